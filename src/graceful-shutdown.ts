import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Connections the kernel completed are taken in until none has come for this long... */
const ACCEPT_QUIET_MS = 50;
/** ...or for this long at most. */
const ACCEPT_MAX_MS = 500;

/**
 * Resolves once no new connection has come in for ACCEPT_QUIET_MS. Closing the listening socket
 * resets the connections the kernel has completed but the server has not yet accepted (clients
 * see ECONNRESET for requests they have sent): on a busy process those can be many. Each check is
 * made after the event loop has polled its sockets (setImmediate), so a loop that was blocked
 * accepts what is waiting before the check sees "quiet". A process so busy that it takes in
 * queued connections more slowly than that still resets the rest when the listener closes, as any
 * server that stops listening does.
 */
async function acceptPendingConnections(server: Server): Promise<void> {
  let lastConnectionAt = performance.now();
  const onConnection = (): void => {
    lastConnectionAt = performance.now();
  };
  server.on('connection', onConnection);
  const startedAt = performance.now();
  try {
    for (;;) {
      await sleep(ACCEPT_QUIET_MS);
      await new Promise((resolve) => setImmediate(resolve));
      const now = performance.now();
      if (now - lastConnectionAt >= ACCEPT_QUIET_MS || now - startedAt >= ACCEPT_MAX_MS) return;
    }
  } finally {
    server.off('connection', onConnection);
  }
}

/** A connection that has sent no request this long after closing began is closed. */
const UNUSED_CONNECTION_GRACE_MS = 1_000;

interface ConnectionState {
  requests: number;
  inFlight: number;
}

/**
 * Prepares an HTTP server for a graceful close, and returns the function to call when closing
 * begins; close the server once it resolves. From then on:
 *
 * - every answer carries `Connection: close`. `server.close()` waits for open connections to end,
 *   and a keep-alive connection whose request is in flight would otherwise stay open after the
 *   answer, taking more requests, until its idle timeout;
 * - the connections the kernel has already completed are accepted before the listener closes
 *   (see acceptPendingConnections);
 * - keep-alive connections between requests are closed at once, and connections that have not
 *   sent a request yet get UNUSED_CONNECTION_GRACE_MS to do so (Node would wait for its 60 s
 *   headersTimeout).
 */
export function prepareGracefulClose(server: Server): () => Promise<void> {
  const connections = new Map<Socket, ConnectionState>();
  const responses = new Set<ServerResponse>();
  let closing = false;

  const closeIdle = (includeUnused: boolean): void => {
    for (const [socket, state] of connections) {
      if (state.inFlight === 0 && (state.requests > 0 || includeUnused)) socket.destroy();
    }
  };

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { requests: 0, inFlight: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const state = connections.get(request.socket);
    if (state) {
      state.requests += 1;
      state.inFlight += 1;
    }
    if (closing) response.shouldKeepAlive = false;
    responses.add(response);
    response.once('close', () => {
      responses.delete(response);
      if (state) state.inFlight -= 1;
      // An answer whose headers went out before closing began kept its connection alive.
      if (closing) setImmediate(() => closeIdle(false));
    });
  });

  return async () => {
    closing = true;
    for (const response of responses) {
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    setTimeout(() => closeIdle(true), UNUSED_CONNECTION_GRACE_MS).unref();
    await acceptPendingConnections(server);
  };
}
