import { Logger, type LoggerService } from '@nestjs/common';

export interface LogLine {
  readonly level: string;
  readonly message: unknown;
}

/**
 * For specs: routes Nest's Logger (what the mailers log through) into an array, so a test can
 * say exactly what was logged and search it for what must never be there.
 */
export function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  const record =
    (level: string) =>
    (message: unknown): void => {
      lines.push({ level, message });
    };
  const logger: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  Logger.overrideLogger(logger);
  return lines;
}
