import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** One HTTP exchange as a client saw it. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of many shapes, read by tests
  readonly body: any;
  /** Milliseconds from sending to the end of the answer. */
  readonly ms: number;
}

export interface CallOptions {
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A keep-alive agent to share connections; by default every call has a connection of its own. */
  readonly agent?: Agent;
  /** Give up (reject) after this long; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * A request over node:http, with nothing in between (fetch would pool and retry): answers resolve
 * whatever their status; a failure to connect or a cut connection rejects with the socket's error.
 */
export function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const url = new URL(path, base);
  let payload: string | undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.form !== undefined) {
    payload = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        agent: options.agent ?? false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            body,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () =>
      req.destroy(Object.assign(new Error(`${method} ${path}: no answer`), { code: 'TIMEOUT' })),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The socket error code of a rejected call (ECONNREFUSED, ECONNRESET, …). */
export function errorCode(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message);
}
