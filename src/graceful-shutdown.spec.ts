import { spawn } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareGracefulClose } from './graceful-shutdown.js';

/** A real server and a keep-alive client: what `server.close()` waits for, with and without. */
describe('prepareGracefulClose', () => {
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

  async function closeDuringRequest(server: Server, startClosing?: () => Promise<void>) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true });
    await get(port, agent); // an idle keep-alive connection
    const inFlight = get(port, agent);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await startClosing?.();
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
    const startClosing = prepareGracefulClose(server);
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

  describe('connections made while the process was busy', () => {
    /** A client in another process: 30 requests at once, then what became of them. */
    const CLIENT = `
      import http from 'node:http';
      const agent = new http.Agent({ keepAlive: true, maxSockets: 30 });
      const results = {};
      console.log('sending');
      await Promise.all(Array.from({ length: 30 }, () => new Promise((resolve) => {
        http.get({ host: '127.0.0.1', port: Number(process.argv[1]), agent }, (response) => {
          response.resume();
          response.on('end', () => { results.ok = (results.ok ?? 0) + 1; resolve(); });
        }).on('error', (error) => { results[error.code] = (results[error.code] ?? 0) + 1; resolve(); });
      })));
      console.log(JSON.stringify(results));
      agent.destroy();
    `;

    async function closeWhileBusy(startClosing?: () => Promise<void>, server = slowServer()) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, String(port)]);
      let output = '';
      await new Promise<void>((resolve) =>
        client.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('sending')) resolve();
        }),
      );
      // Busy: the client's connections complete in the kernel, none is accepted yet.
      const until = Date.now() + 500;
      while (Date.now() < until) {
        // busy
      }
      await startClosing?.();
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => client.once('exit', resolve));
      return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
    }

    it('are accepted and answered before the listener closes', async () => {
      const server = slowServer();
      expect(await closeWhileBusy(prepareGracefulClose(server), server)).toEqual({ ok: 30 });
    }, 15_000);

    it('(without it, closing the listener resets them)', async () => {
      const results = await closeWhileBusy();
      expect(results.ECONNRESET).toBeGreaterThan(0);
    }, 15_000);
  });

  describe('connections accepted whose request has not come in yet', () => {
    /** 10 connections that send their request 300 ms after connecting. */
    const CLIENT = `
      import net from 'node:net';
      const results = {};
      const count = (key) => (results[key] = (results[key] ?? 0) + 1);
      await Promise.all(Array.from({ length: 10 }, () => new Promise((resolve) => {
        let answer = '';
        const socket = net.connect(Number(process.argv[1]), '127.0.0.1', () => {
          if (results.connected === undefined) console.log('connected');
          count('connected');
          setTimeout(() => socket.write('GET / HTTP/1.1\\r\\nHost: test\\r\\n\\r\\n'), 300);
        });
        socket.on('data', (chunk) => (answer += chunk));
        socket.on('error', (error) => { count(error.code); resolve(); });
        socket.on('close', () => { if (answer.startsWith('HTTP/1.1 200')) count('ok'); resolve(); });
      })));
      console.log(JSON.stringify(results));
    `;

    async function closeBeforeRequests(startClosing?: () => Promise<void>, server = slowServer()) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, String(port)]);
      let output = '';
      await new Promise<void>((resolve) =>
        client.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('connected')) resolve();
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50)); // all ten accepted
      await startClosing?.();
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => client.once('exit', resolve));
      const results = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<
        string,
        number
      >;
      return { connected: results.connected, ok: results.ok ?? 0 };
    }

    it('get their request answered', async () => {
      const server = slowServer();
      expect(await closeBeforeRequests(prepareGracefulClose(server), server)).toEqual({
        connected: 10,
        ok: 10,
      });
    }, 15_000);

    it('a connection that sends nothing is closed after a second; Node alone waits for it forever', async () => {
      /** Milliseconds until the server has closed, or undefined if still open after 4 s. */
      const timed = async (prepare: boolean): Promise<number | undefined> => {
        const server = createServer((_request, response) => response.end());
        const startClosing = prepare ? prepareGracefulClose(server) : undefined;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        const silent = connect(port, '127.0.0.1');
        silent.on('error', () => undefined);
        await new Promise((resolve) => silent.once('connect', resolve));
        await new Promise((resolve) => setTimeout(resolve, 50));
        const started = Date.now();
        try {
          await startClosing?.();
          const closed = new Promise<number>((resolve) =>
            server.close(() => resolve(Date.now() - started)),
          );
          return await Promise.race([closed, sleep(4_000).then(() => undefined)]);
        } finally {
          silent.destroy();
        }
      };
      expect(await timed(true)).toBeLessThan(2_500);
      // (server.close() stops the timer that would enforce headersTimeout on it)
      expect(await timed(false)).toBeUndefined();
    }, 20_000);
  });
});
