import { prettyFactory, type PrettyOptions } from 'pino-pretty';
import { chooseLogTransport } from './logging.module.js';

const TTY = { isTTY: true };
const PIPE = { isTTY: undefined };
type Installed = () => boolean;
type Config = Parameters<typeof chooseLogTransport>[0];
const installed: Installed = () => true;
const missing: Installed = () => false;
const local: Config = { env: 'development', onLambda: false };

describe('chooseLogTransport', () => {
  it('pretty-prints for a person: development, a terminal, not on Lambda', () => {
    expect(chooseLogTransport(local, TTY, installed)?.target).toBe('pino-pretty');
  });

  it.each<[string, Config, { isTTY?: boolean }, Installed]>([
    ['stdout is a pipe or a file', local, PIPE, installed],
    ['NODE_ENV=production', { env: 'production', onLambda: false }, TTY, installed],
    ['NODE_ENV=test', { env: 'test', onLambda: false }, TTY, installed],
    ['on Lambda', { env: 'development', onLambda: true }, TTY, installed],
    ['pino-pretty is not installed', local, TTY, missing],
  ])('keeps JSON lines when %s', (_case, config, stdout, isInstalled) => {
    expect(chooseLogTransport(config, stdout, isInstalled)).toBeUndefined();
  });

  it('finds pino-pretty where it is installed (a dev dependency)', () => {
    expect(chooseLogTransport(local, TTY)).toBeDefined();
  });

  it("prints a request's line as method, path, status, time and request id", () => {
    const options = chooseLogTransport(local, TTY, installed)?.options as PrettyOptions;
    const pretty = prettyFactory({ ...options, colorize: false });
    const line = pretty({
      level: 40,
      time: Date.UTC(2026, 10, 23, 10, 0, 0),
      pid: 1,
      hostname: 'h',
      requestId: 'req-1',
      sourceAddress: '127.0.0.1',
      req: { id: 'req-1', method: 'GET', path: '/user', headers: { authorization: '[redacted]' } },
      res: { statusCode: 401, headers: {} },
      responseTime: 5,
      msg: 'request completed',
    });
    expect(line).toMatch(
      /^\[\d\d:\d\d:\d\d\.000\] WARN: GET \/user 401 5ms request completed \(req-1\)\n$/,
    );
  });

  it("prints Nest's context and an event's own fields on one line", () => {
    const options = chooseLogTransport(local, TTY, installed)?.options as PrettyOptions;
    const pretty = prettyFactory({ ...options, colorize: false });
    const line = pretty({
      level: 40,
      time: 0,
      context: 'audit',
      requestId: 'req-2',
      event: 'login.failed',
      reason: 'wrong_password',
      msg: 'login.failed',
    });
    expect(line).toMatch(
      /WARN: \[audit\] login\.failed \(req-2\) \{"event":"login\.failed","reason":"wrong_password"\}\n$/,
    );
  });
});
