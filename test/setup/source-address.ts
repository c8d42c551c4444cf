import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly body: unknown;
}

export interface Send {
  (
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<Reply>;
}

/**
 * The app listening on 127.0.0.1, and a way to send it requests from a chosen loopback source
 * address (127.0.0.2, 127.0.0.3, …): on Linux all of 127/8 is the loopback interface, so each
 * address is a distinct client to the server (`request.ip`), as distinct machines would be.
 */
export async function listenOnLoopback(
  t: TestApp,
): Promise<{ from: (sourceAddress: string) => Send; close: () => void }> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const agents: Agent[] = [];
  const from = (sourceAddress: string): Send => {
    const agent = new Agent({ keepAlive: true, localAddress: sourceAddress });
    agents.push(agent);
    return (method, path, options = {}) =>
      new Promise<Reply>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path, agent, headers: options.headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown;
              try {
                body = JSON.parse(text);
              } catch {
                body = undefined;
              }
              resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
            });
          },
        );
        req.on('error', reject);
        req.end(options.body);
      });
  };
  return { from, close: () => agents.forEach((agent) => agent.destroy()) };
}

/** A form-encoded body and its headers. */
export function formBody(params: Record<string, string>): {
  headers: Record<string, string>;
  body: string;
} {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}

/** A JSON body and its headers. */
export function jsonBody(value: unknown, headers: Record<string, string> = {}) {
  return {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}
