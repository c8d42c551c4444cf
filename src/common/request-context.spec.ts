import express, { type Request, type Response } from 'express';
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientGoneError, currentRequestSignal, requestContext } from './request-context.js';

/**
 * The middleware on a real Express app and socket, as app.setup.ts mounts it (after a body
 * parser): the signal must still be there after the handler's own awaits, and abort only when the
 * client leaves before its answer.
 */
describe('requestContext', () => {
  let server: Server;
  let port: number;
  const seen: { signal?: AbortSignal; abortedAt?: unknown }[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(requestContext);
    app.post('/slow', async (req: Request, res: Response) => {
      const record: (typeof seen)[number] = {};
      seen.push(record);
      await sleep(Number((req.body as { wait: number }).wait));
      record.signal = currentRequestSignal();
      record.abortedAt = record.signal?.aborted ? record.signal.reason : undefined;
      res.json({ ok: true });
    });
    // Asks for the signal before it waits (as the password hasher does when it queues work).
    app.post('/early', async (req: Request, res: Response) => {
      const record: (typeof seen)[number] = { signal: currentRequestSignal() };
      seen.push(record);
      await sleep(Number((req.body as { wait: number }).wait));
      record.abortedAt = record.signal?.aborted ? record.signal.reason : undefined;
      res.json({ ok: true });
    });
    server = app.listen(0);
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  function post(wait: number, path = '/slow') {
    const body = JSON.stringify({ wait });
    const req = httpRequest({
      port,
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.end(body);
    return req;
  }

  it('is outside any request: undefined', () => {
    expect(currentRequestSignal()).toBeUndefined();
  });

  it('gives the handler, after its awaits, a signal that stays quiet when the answer is sent', async () => {
    seen.length = 0;
    const req = post(20);
    const [response] = (await once(req, 'response')) as [NodeJS.ReadableStream];
    response.resume();
    await once(response, 'end');
    expect(seen[0].signal).toBeInstanceOf(AbortSignal);
    expect(seen[0].signal?.aborted).toBe(false);
  });

  it('aborts the signal with ClientGoneError when the client hangs up before the answer', async () => {
    seen.length = 0;
    const req = post(300);
    req.on('error', () => undefined);
    // Let the request reach the handler, then hang up while it works.
    while (seen.length === 0) await sleep(5);
    req.destroy();
    while (seen[0].signal === undefined) await sleep(5);
    expect(seen[0].abortedAt).toBeInstanceOf(ClientGoneError);
  });

  it('aborts a signal taken before the client hung up, when it does', async () => {
    seen.length = 0;
    const req = post(300, '/early');
    req.on('error', () => undefined);
    while (seen.length === 0) await sleep(5);
    expect(seen[0].signal?.aborted).toBe(false);
    req.destroy();
    while (seen[0].abortedAt === undefined) await sleep(5);
    expect(seen[0].abortedAt).toBeInstanceOf(ClientGoneError);
  });
});
