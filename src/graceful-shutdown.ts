import type { Server, ServerResponse } from 'node:http';

/**
 * Makes a closing HTTP server let go of its keep-alive connections as soon as their requests are
 * answered. `server.close()` stops accepting connections and waits for open ones to end, but a
 * keep-alive connection whose request is in flight stays open after the answer, taking more
 * requests, until its idle timeout. Returns the function to call when closing begins: from then on
 * every answer carries `Connection: close`, and connections left idle are closed.
 */
export function closeConnectionsWhenAnswered(server: Server): () => void {
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
  return () => {
    closing = true;
    for (const response of inFlight) {
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    server.closeIdleConnections();
  };
}
