/**
 * The relying party's back-channel logout URI (OpenID Connect Back-Channel Logout 1.0 §2.5):
 * a loopback HTTP server on a free port that accepts POST application/x-www-form-urlencoded
 * logout_token=..., answers 200 (§2.8) and hands each token to whoever waits for it. A flow
 * declares it as a fixture, so it is stopped after the flow.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomValue } from '../../harness/flow/index.ts';

export interface ReceivedLogout {
  contentType: string | undefined;
  /** The logout_token parameter, when the body had one. */
  token: string | undefined;
  /** The parameter names of the body (never their values). */
  parameters: string[];
  /** When the request arrived (ms since the epoch), to judge the token's exp against. */
  at: number;
}

export interface BackChannelReceiver {
  /** The URI to register as backchannel_logout_uri. */
  uri: string;
  /** The first request POSTed since start, or undefined after timeoutMs. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<ReceivedLogout | undefined>;
  stop(): Promise<void>;
}

const maxBody = 64 * 1024;

/** Listens on `at` (a loopback http URI with a port, pre-registered at the target) or on a free port of 127.0.0.1. */
export async function startBackChannelReceiver(at?: string): Promise<BackChannelReceiver> {
  const received: ReceivedLogout[] = [];
  const waiters: Array<(r: ReceivedLogout) => void> = [];
  const fixed = at === undefined ? undefined : new URL(at);
  const path = fixed ? fixed.pathname + fixed.search : `/backchannel-logout-${randomValue(8)}`;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    let tooLong = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length + chunk.length > maxBody) tooLong = true;
      else body += chunk;
    });
    req.on('end', () => {
      const contentType = req.headers['content-type'];
      const form = new URLSearchParams(tooLong ? '' : body);
      const entry: ReceivedLogout = { contentType, token: form.get('logout_token') ?? undefined, parameters: [...new Set(form.keys())], at: Date.now() };
      received.push(entry);
      waiters.splice(0).forEach((w) => w(entry));
      // §2.8: 200 when the logout succeeded; the checks judge the token afterwards.
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(fixed ? Number(fixed.port) : 0, fixed?.hostname === 'localhost' ? 'localhost' : '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    uri: fixed ? fixed.href : `http://127.0.0.1:${port}${path}`,
    next(timeoutMs, signal) {
      if (received.length) return Promise.resolve(received[0]);
      return new Promise((resolve) => {
        const done = (r: ReceivedLogout | undefined) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        };
        const onAbort = () => done(undefined);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        signal?.addEventListener('abort', onAbort);
        waiters.push(done);
      });
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
