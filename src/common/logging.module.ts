import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { TransportSingleOptions } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { AuditLog } from './audit-log.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Reuses a caller's or API Gateway's request id when it is sane, so logs can be joined. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'] ?? req.headers['x-amzn-trace-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Whether pino-pretty is installed (a dev dependency: absent from production installs). */
function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * Readable lines for a person at a terminal: a local `npm start` (NODE_ENV unset or development,
 * stdout a TTY, not on Lambda, pino-pretty installed). Everywhere else, JSON lines: files, pipes,
 * tests, production and Lambda. pino loads pino-pretty by name in a worker thread, so nothing of
 * it is imported (or bundled) unless this returns a transport.
 */
export function chooseLogTransport(
  config: Pick<AppConfig, 'env' | 'onLambda'>,
  stdout: { readonly isTTY?: boolean } = process.stdout,
  installed: () => boolean = prettyPrinterInstalled,
): TransportSingleOptions | undefined {
  if (config.env !== 'development' || config.onLambda || !stdout.isTTY || !installed()) {
    return undefined;
  }
  return {
    target: 'pino-pretty',
    options: {
      colorize: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // "[RoutesResolver] …", or for a request's last line "GET /user 401 5ms request completed
      // (<request id>)"; any other field (an audit event's userId, …) follows on the same line.
      messageFormat:
        '{if context}[{context}] {end}{if req.method}{req.method} {req.path} {res.statusCode} {responseTime}ms {end}{msg}{if requestId} ({requestId}){end}',
      ignore: 'pid,hostname,req,res,responseTime,requestId,sourceAddress,context',
    },
  };
}

/**
 * Structured JSON logs (pino) with a request id on every line. Credentials never reach a log:
 * headers that carry them are redacted and bodies are not logged at all.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          transport: chooseLogTransport(config),
          genReqId: (req, res) => {
            const id = requestId(req);
            res.setHeader('X-Request-Id', id);
            return id;
          },
          // On every line of a request, so audit events can be joined and attributed. req.ip is
          // the socket's address (API Gateway's source IP on Lambda, set by serverless-express),
          // or X-Forwarded-For only through the proxy hops Express is told to trust.
          customProps: (req) => ({
            requestId: (req as { id?: unknown }).id,
            sourceAddress: (req as { ip?: unknown }).ip,
          }),
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            censor: '[redacted]',
          },
          // Query strings can carry tokens (a misused revoke or introspect call): log the path only.
          serializers: {
            req: (req: { id: string; method: string; url: string; headers: unknown }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
              headers: req.headers,
            }),
          },
          customLogLevel: (_req, res, error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        },
      }),
    }),
  ],
  providers: [AuditLog],
  exports: [AuditLog],
})
export class LoggingModule {}
