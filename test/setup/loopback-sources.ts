import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

/**
 * Requests from chosen source addresses. Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so a client bound to 127.0.0.2 reaches a server on 127.0.0.1 and the server sees
 * 127.0.0.2 as the socket's address: as many distinct sources as a test needs, on one machine.
 */
export interface SourcedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON; {} when it is empty or not JSON. */
  readonly body: Record<string, unknown>;
  /** Client-side time from sending to the whole answer, milliseconds. */
  readonly ms: number;
}

/** Starts the test app's server on 127.0.0.1 (if it is not listening yet); its port. */
export async function listen(t: TestApp): Promise<number> {
  if (!t.server.listening) await t.app.listen(0, '127.0.0.1');
  return (t.server.address() as AddressInfo).port;
}

/** One keep-alive agent per source, so a timing sample is not a TCP handshake. */
const agents = new Map<string, Agent>();
function agentFor(source: string): Agent {
  let agent = agents.get(source);
  if (!agent) {
    agent = new Agent({ keepAlive: true, localAddress: source });
    agents.set(source, agent);
  }
  return agent;
}

/** Closes the agents' sockets (afterAll), so jest is not kept waiting. */
export function closeSources(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** A request body: a form (application/x-www-form-urlencoded), JSON, or text sent as it is. */
export type Body =
  { readonly form: Record<string, string> } | { readonly json: unknown } | { readonly raw: string };

function parsed(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A request from `source` to the server on 127.0.0.1:`port`. */
export function requestFrom(
  source: string,
  port: number,
  method: string,
  path: string,
  options: { readonly body?: Body; readonly headers?: Record<string, string> } = {},
): Promise<SourcedResponse> {
  const { body } = options;
  const payload =
    body === undefined
      ? ''
      : 'raw' in body
        ? body.raw
        : 'json' in body
          ? JSON.stringify(body.json)
          : new URLSearchParams(body.form).toString();
  const type =
    body === undefined || 'raw' in body
      ? {}
      : {
          'content-type': 'json' in body ? 'application/json' : 'application/x-www-form-urlencoded',
        };
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: agentFor(source),
        headers: { ...type, 'content-length': Buffer.byteLength(payload), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: parsed(text),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST of a form or JSON body from `source`. */
export function postFrom(
  source: string,
  port: number,
  path: string,
  body: Body,
  headers: Record<string, string> = {},
): Promise<SourcedResponse> {
  return requestFrom(source, port, 'POST', path, { body, headers });
}

/** A password grant of demo-app from `source`. */
export function passwordGrantFrom(
  source: string,
  port: number,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<SourcedResponse> {
  return postFrom(
    source,
    port,
    '/oauth/token',
    { form: { grant_type: 'password', username, password, client_id: 'demo-app' } },
    headers,
  );
}

/** What `listenOnLoopback`'s senders take: headers and a body already encoded. */
export interface Encoded {
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A sender from one source address: `(method, path, encoded?)`. */
export type Send = (method: string, path: string, options?: Encoded) => Promise<SourcedResponse>;

/** The test app listening on 127.0.0.1, and senders from chosen source addresses. */
export async function listenOnLoopback(
  t: TestApp,
): Promise<{ from: (source: string) => Send; close: () => void }> {
  const port = await listen(t);
  return {
    from:
      (source) =>
      (method, path, options = {}) =>
        requestFrom(source, port, method, path, {
          body: options.body === undefined ? undefined : { raw: options.body },
          headers: options.headers,
        }),
    close: closeSources,
  };
}

/** A form-encoded body and its headers. */
export function formBody(params: Record<string, string>): Required<Encoded> {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}

/** A JSON body and its headers. */
export function jsonBody(value: unknown, headers: Record<string, string> = {}): Required<Encoded> {
  return {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}
