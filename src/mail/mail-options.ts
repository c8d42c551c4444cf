/** How mail leaves the service: `.eml` files on disk, an SMTP server, or Amazon SES v2. */
export type MailTransport = 'outbox' | 'smtp' | 'ses';

/** What MailModule needs, mapped from the application's configuration by whoever imports it. */
export interface MailOptions {
  readonly transport: MailTransport;
  /** MAIL_FROM: the sender, `address` or `Name <address>`; on SES a verified identity's. */
  readonly from: string;
  /** PUBLIC_URL: where the links in mails point (the pages that take the tokens). */
  readonly publicUrl: string;
  /** DATA_DIR: the outbox transport writes under `<dataDir>/outbox/`. */
  readonly dataDir: string;
  /** SMTP_URL (`smtp://user:pass@host:587`, `smtps://…:465`): required by the smtp transport. */
  readonly smtpUrl?: string;
  /** The AWS region of the SES identity: required by the ses transport. */
  readonly region?: string;
}

/** The injection token of the MailOptions given to MailModule.forRoot. */
export const MAIL_OPTIONS = Symbol('MAIL_OPTIONS');

/**
 * The transport for a configuration: SMTP whenever SMTP_URL is set, SES on Lambda (AWS has no
 * local disk worth writing to), `.eml` files in the outbox otherwise.
 */
export function chooseMailTransport(facts: {
  readonly smtpUrl?: string;
  readonly onLambda: boolean;
}): MailTransport {
  if (facts.smtpUrl) return 'smtp';
  return facts.onLambda ? 'ses' : 'outbox';
}
