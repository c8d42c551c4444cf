import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeConnectionsWhenAnswered } from './graceful-shutdown.js';

/** A real server and a keep-alive client: what `server.close()` waits for, with and without. */
describe('closeConnectionsWhenAnswered', () => {
  function slowServer(): Server {
    // Long enough for close() to begin while the request is in flight.
    return createServer((_request, response) => setTimeout(() => response.end('done'), 300));
  }

  function get(
    port: number,
    agent: Agent,
  ): Promise<{ status?: number; connection?: string; body: string }> {
    return new Promise((resolve, reject) => {
      request({ port, agent, host: '127.0.0.1' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode, connection: response.headers.connection, body }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  async function closeDuringRequest(server: Server, startClosing?: () => void) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    await get(port, agent); // an idle keep-alive connection
    const inFlight = get(port, agent);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    startClosing?.();
    const closed = new Promise<number>((resolve) =>
      server.close(() => resolve(Date.now() - started)),
    );
    const answer = await inFlight;
    const closedAfterMs = await closed;
    agent.destroy();
    return { answer, closedAfterMs };
  }

  it('answers the request in flight with Connection: close, and the server closes at once', async () => {
    const server = slowServer();
    const startClosing = closeConnectionsWhenAnswered(server);
    const { answer, closedAfterMs } = await closeDuringRequest(server, startClosing);
    expect(answer).toEqual({ status: 200, connection: 'close', body: 'done' });
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it('(without it, the kept-alive connection holds the server open for its idle timeout)', async () => {
    const server = slowServer();
    server.keepAliveTimeout = 3_000;
    const { answer, closedAfterMs } = await closeDuringRequest(server);
    expect(answer.connection).toBe('keep-alive');
    expect(closedAfterMs).toBeGreaterThanOrEqual(2_500);
  });
});
