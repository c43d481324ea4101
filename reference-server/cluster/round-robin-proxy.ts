/**
 * A load balancer in front of several instances, as a deployment would have one: each request
 * goes to the next instance in turn, so consecutive requests of one flow land on different
 * instances. Loopback only. Written on node:http rather than a proxy package: a round robin of
 * whole requests is a few lines, and http-proxy, the usual package, is no longer maintained.
 */
import { request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttp, listenHttp } from '../loopback-http.ts';

export interface RoundRobinProxy {
  url: string;
  /** How many requests each upstream was sent, in upstream order. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(upstreams: string[], options: { port?: number } = {}): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('a round robin needs at least one upstream');
  const counts = upstreams.map(() => 0);
  let next = 0;
  const server: Server = await listenHttp('127.0.0.1', options.port ?? 0);
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const index = next;
    next = (next + 1) % upstreams.length;
    counts[index]!++;
    const target = new URL(incoming.url ?? '/', upstreams[index]);
    const upstream = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(outgoing);
    });
    // An instance that is down (restarting) answers like a gateway would: 502, RFC-shaped.
    upstream.on('error', () => {
      if (outgoing.headersSent) return outgoing.destroy();
      outgoing.writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      outgoing.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'the instance behind the balancer did not answer' }));
    });
    incoming.pipe(upstream);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, counts: () => [...counts], close: () => closeHttp(server) };
}
