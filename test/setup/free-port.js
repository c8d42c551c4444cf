// Plain JS so that jest's global setup, which loads outside the module mapper, can use it too.
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a race with others is unlikely). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
