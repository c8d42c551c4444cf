import escapeHtml from 'escape-html';

/** Marks markup that is already safe, so `html` does not escape it again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * A tagged template for HTML: every interpolated value is escaped unless it is SafeHtml (the
 * result of another `html` template), so a template cannot forget to escape what it inserts.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += (value instanceof SafeHtml ? value.value : escapeHtml(String(value))) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** The one page layout both mails use: a heading, the body, and the link also as plain text. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
      </head>
      <body
        style="margin: 0; padding: 24px; font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #1f2328"
      >
        <h1 style="font-size: 20px; margin: 0 0 16px">${title}</h1>
        ${body}
      </body>
    </html> `.value;
}

/** A link drawn as a button, followed by the address itself for clients that hide buttons. */
export function button(label: string, href: string): SafeHtml {
  return html`<p style="margin: 24px 0">
      <a
        href="${href}"
        style="display: inline-block; padding: 12px 20px; border-radius: 6px; background: #0b57d0; color: #ffffff; text-decoration: none; font-weight: bold"
        >${label}</a
      >
    </p>
    <p style="font-size: 14px; color: #59636e">
      If the button does not work, open this address:<br /><a
        href="${href}"
        style="color: #0b57d0; word-break: break-all"
        >${href}</a
      >
    </p>`;
}
