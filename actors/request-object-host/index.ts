/**
 * The client's side of a Request Object passed by reference (RFC 9101 §5.2): a loopback HTTP
 * server (127.0.0.1, a free port) that serves each object it is given at a URL of its own as
 * application/oauth-authz-req+jwt (§5.2.2) and records every fetch, so a flow can tell whether
 * the authorization server came for it. The flow that starts it stops it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RequestObjectHost {
  /** Where the objects are served: http://127.0.0.1:<port> */
  origin: string;
  /** A URL for an object not served yet (so it can be registered before the object exists). */
  reserve(): string;
  /** Serves jwt at url (from reserve()), or at a new URL; returns the URL. */
  serve(jwt: string, url?: string): string;
  /** How many times url was fetched. */
  fetchesOf(url: string): number;
  stop(): Promise<void>;
}

export async function startRequestObjectHost(): Promise<RequestObjectHost> {
  const objects = new Map<string, string>();
  const fetches = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    const jwt = req.method === 'GET' ? objects.get(path) : undefined;
    if (jwt === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such Request Object');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt', 'cache-control': 'no-store' }).end(jwt);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => new URL(url).pathname;
  const reserve = () => `${origin}/request-objects/${randomBytes(12).toString('base64url')}.jwt`;
  return {
    origin,
    reserve,
    serve(jwt, url = reserve()) {
      objects.set(pathOf(url), jwt);
      return url;
    },
    fetchesOf: (url) => fetches.get(pathOf(url)) ?? 0,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
