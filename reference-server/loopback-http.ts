/**
 * The HTTP servers the reference server and the oidc-provider target start: on a given host and
 * port (loopback, port 0 for a free one), with timeouts so that a slow or stalled client cannot
 * hold a connection forever, and a close that ends open keep-alive connections too, so that a
 * stopped server never keeps a test's process alive. (The sample app has its own copy on purpose:
 * it stands in for a third party and imports nothing of the server.)
 */
import { createServer, type Server } from 'node:http';

/** Listens on host:port; `prepare` runs before the first connection can arrive (e.g. a clientError handler). */
export function listenHttp(host = '127.0.0.1', port = 0, prepare?: (server: Server) => void): Promise<Server> {
  const server = createServer();
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  prepare?.(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
