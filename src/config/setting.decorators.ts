import { applyDecorators } from '@nestjs/common';
import { Expose, Transform } from 'class-transformer';
import { isEmail, ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * Decorators for environment.schema.ts: each declares one variable (`Expose`, so nothing else is
 * read), converts its text, and checks it with a single one-line message that names the variable.
 * Variables that may hold secrets (JWT_SIGNING_KEYS, BOOTSTRAP_CLIENTS, SMTP_URL) never have their
 * value quoted.
 */

type Message = (args: ValidationArguments) => string;

const got = (args: ValidationArguments) => `, got ${JSON.stringify(String(args.value))}`;

function check(name: string, test: (value: unknown) => boolean, message: Message) {
  return ValidateBy({ name, validator: { validate: test, defaultMessage: message } });
}

/** A variable read as text, unchecked (names, folders). */
export function Text(): PropertyDecorator {
  return Expose();
}

/** Digits only, then within [min, max]. Anything else ("1e3", "-5", "ten") is refused as typed. */
export function WholeNumber(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    Expose(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
    ),
    check(
      'wholeNumber',
      (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
      (args) => `${args.property} must be a whole number from ${min} to ${max}${got(args)}`,
    ),
  );
}

/** `true` or `false`, nothing else: a typo must not silently mean "off". */
export function Flag(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    Transform(({ value }: { value: unknown }) =>
      value === 'true' ? true : value === 'false' ? false : value,
    ),
    check(
      'flag',
      (value) => typeof value === 'boolean',
      (args) => `${args.property} must be true or false${got(args)}`,
    ),
  );
}

export function OneOf(options: readonly string[]): PropertyDecorator {
  return applyDecorators(
    Expose(),
    check(
      'oneOf',
      (value) => options.includes(value as string),
      (args) => `${args.property} must be one of ${options.join(', ')}${got(args)}`,
    ),
  );
}

export function Pattern(pattern: RegExp, description: string): PropertyDecorator {
  return applyDecorators(
    Expose(),
    check(
      'pattern',
      (value) => typeof value === 'string' && pattern.test(value),
      (args) => `${args.property} must be ${description}${got(args)}`,
    ),
  );
}

function hasProtocol(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  return protocols.includes(new URL(value).protocol);
}

/** An http(s) URL; a trailing slash is dropped, so `${url}/path` never doubles it. */
export function HttpUrl(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.replace(/\/+$/, '') : value,
    ),
    check(
      'httpUrl',
      (value) => hasProtocol(value, ['http:', 'https:']),
      (args) => `${args.property} must be an http(s) URL${got(args)}`,
    ),
  );
}

/** An smtp(s) URL. Not quoted when refused: it may carry a password. */
export function SmtpUrl(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    check(
      'smtpUrl',
      (value) => hasProtocol(value, ['smtp:', 'smtps:']),
      (args) => `${args.property} must be an smtp:// or smtps:// URL`,
    ),
  );
}

/** An email address, optionally with a display name (`Name <addr>`); `localhost` is allowed. */
export function Mailbox(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    check(
      'mailbox',
      (value) =>
        typeof value === 'string' &&
        isEmail(value, { allow_display_name: true, require_tld: false }),
      (args) =>
        `${args.property} must be an email address, optionally as "Name <address>"${got(args)}`,
    ),
  );
}

/** Valid JSON text, kept as text for its own parser. Not quoted when refused: it holds secrets. */
export function JsonText(): PropertyDecorator {
  return applyDecorators(
    Expose(),
    check(
      'json',
      (value) => {
        try {
          JSON.parse(value as string);
          return true;
        } catch {
          return false;
        }
      },
      (args) => `${args.property} must be valid JSON`,
    ),
  );
}

/** A comma-separated list of web origins (`https://app.example`), or `*`. */
export function Origins(): PropertyDecorator {
  const isOrigin = (origin: string) =>
    origin === '*' ||
    (hasProtocol(origin, ['http:', 'https:']) && new URL(origin).origin === origin);
  return applyDecorators(
    Expose(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((origin) => origin.trim().replace(/\/+$/, ''))
            .filter(Boolean)
        : value,
    ),
    check(
      'origins',
      (value) => Array.isArray(value) && (value as string[]).every(isOrigin),
      (args) => {
        const bad = (args.value as string[]).find((origin) => !isOrigin(origin));
        return `${args.property} must be a comma-separated list of origins (scheme://host[:port]) or *, got ${JSON.stringify(bad)}`;
      },
    ),
  );
}
