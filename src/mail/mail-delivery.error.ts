import type { Logger } from '@nestjs/common';
import type { MailTransport } from './mail-options.js';

/**
 * A mail that could not be sent. `reason` is a code safe to log (an SMTP reply code, an SES error
 * name, a file-system errno); the original error, whose message may quote the recipient, is the
 * `cause`. Callers decide what a lost mail means for their flow.
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';

  constructor(
    readonly transport: MailTransport,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`mail could not be sent through ${transport}: ${reason}`, options);
  }
}

/**
 * A short reason for a failure, built from codes only: SMTP servers and SES quote the recipient's
 * address in their messages, so messages never reach a log.
 */
export function failureReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, responseCode, name, $metadata } = error as {
    code?: unknown;
    responseCode?: unknown;
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const parts = [
    typeof code === 'string' ? code : typeof name === 'string' ? name : 'unknown',
    typeof responseCode === 'number' ? String(responseCode) : undefined,
    typeof $metadata?.httpStatusCode === 'number' ? `HTTP ${$metadata.httpStatusCode}` : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}

/** Logs a failed delivery (no address, link or body) and returns the error for the caller. */
export function deliveryFailed(
  logger: Pick<Logger, 'error'>,
  transport: MailTransport,
  error: unknown,
): MailDeliveryError {
  const reason = failureReason(error);
  logger.error({ event: 'mail.failed', transport, reason });
  return new MailDeliveryError(transport, reason, { cause: error });
}
