import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/** Security events, one JSON log line each (the `event` field), for alerting and forensics. */
export type AuditEvent =
  | 'user.registered'
  | 'user.deleted'
  | 'password.changed'
  | 'password.reset'
  | 'email.verified'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'token.refreshed'
  | 'refresh_token.reused'
  | 'session.ended'
  | 'client.refused'
  | 'rate.limited';

/**
 * What an event may carry besides the request id and source address, which every line of a request
 * has already (LoggingModule). Identifiers only: never a password, token, secret or the username a
 * failed sign-in typed (it may be a password typed into the wrong field).
 */
export interface AuditFields {
  readonly userId?: string;
  readonly clientId?: string;
  readonly sessionId?: string;
  /** A short machine-readable cause, e.g. `wrong_password`, `locked`, `reuse_within_grace`. */
  readonly reason?: string;
}

@Injectable()
export class AuditLog {
  constructor(@InjectPinoLogger('audit') private readonly logger: PinoLogger) {}

  record(event: AuditEvent, fields: AuditFields = {}): void {
    // At warn, so that LOG_LEVEL=warn (quiet production logs) still keeps the audit trail.
    this.logger.warn({ event, ...fields }, event);
  }
}
