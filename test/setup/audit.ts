import type { PinoLogger } from 'nestjs-pino';
import { AuditLog, type AuditEvent, type AuditFields } from '../../src/common/audit-log.js';

/**
 * The audit trail in memory, for specs: what would have been logged, as it would have been
 * logged. (End-to-end tests read the real log lines of a server process instead.)
 */
export class RecordingAuditLog extends AuditLog {
  readonly events: Array<{ event: AuditEvent } & AuditFields> = [];

  constructor() {
    // The logger is never reached: record() is replaced below.
    super(undefined as unknown as PinoLogger);
  }

  override record(event: AuditEvent, fields: AuditFields = {}): void {
    this.events.push({ event, ...fields });
  }

  /** The events of one kind, in order. */
  of(event: AuditEvent): Array<{ event: AuditEvent } & AuditFields> {
    return this.events.filter((entry) => entry.event === event);
  }
}
