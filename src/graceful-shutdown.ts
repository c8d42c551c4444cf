import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Connections the kernel completed are taken in once none has come for this long... */
const ACCEPT_QUIET_MS = 25;
/** ...or after this long in any case. */
const ACCEPT_MAX_MS = 250;

/**
 * Resolves once no new connection has come in for ACCEPT_QUIET_MS. Closing the listening socket
 * resets the connections the kernel has completed but the server has not yet accepted (clients
 * see ECONNRESET for requests they have sent): on a busy process those can be many. Each check is
 * made after the event loop has polled its sockets (setImmediate), so a loop that was blocked
 * accepts what is waiting before the check sees "quiet".
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

/**
 * Prepares an HTTP server for a graceful close, and returns the function to call when closing
 * begins; close the server once it resolves.
 *
 * - From then on every answer carries `Connection: close`, and connections left idle are closed:
 *   `server.close()` waits for open connections to end, and a keep-alive connection whose request
 *   is in flight would otherwise stay open after the answer, taking more requests, until its idle
 *   timeout.
 * - It resolves once the connections already made have been accepted (see
 *   acceptPendingConnections), so that closing the listener cuts none of them.
 */
export function prepareGracefulClose(server: Server): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_request, response: ServerResponse) => {
    if (closing) response.shouldKeepAlive = false;
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // An answer whose headers went out before closing began kept its connection alive.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return async () => {
    closing = true;
    for (const response of inFlight) {
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    await acceptPendingConnections(server);
  };
}
