/**
 * The sample web application of drawing 001 (registered-app-jwt), on loopback:
 *
 *   const app = await startSampleApp({ issuer, audience });
 *   app.url           http://127.0.0.1:PORT   (a browser opens it: 1. access)
 *   app.clientId      the client_id it registered at start (0. register application)
 *   app.status()      the registration and each access-token validation (also GET /status)
 *   await app.stop()  closes it and deletes its registration (RFC 7592)
 *
 * It works against any authorization server that offers dynamic registration, not only
 * nauthera: it learns the endpoints from discovery. See app.ts for the routes and for why the
 * JWT comes through a code exchange.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSampleApp, statusOf, type SampleAppState, type SampleAppStatus } from './app.ts';
import { deregister, discover, register, SampleAppError } from './authorization-server.ts';

export type { SampleAppStatus } from './app.ts';
export type { TokenValidation } from './access-token.ts';
export { SampleAppError } from './authorization-server.ts';

export interface SampleAppOptions {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** The aud the app requires in access tokens (RFC 9068 §4): for nauthera, RunningReference.resourceServer unless the config sets resourceServer.audience. */
  audience: string;
  /** Scope it asks for (default api:read). */
  scope?: string;
  /** RFC 7591 §3, when the authorization server requires one. */
  initialAccessToken?: string;
  /** How the authorization response comes back (default query). */
  responseMode?: 'query' | 'form_post';
  /** Timeout of every call to the authorization server, ms (default 5000). */
  timeoutMs?: number;
  clientName?: string;
}

export interface SampleApp {
  url: string;
  clientId: string;
  redirectUri: string;
  /** RFC 7592 registration_client_uri, when the server issued one. */
  registrationClientUri?: string;
  status(): SampleAppStatus;
  stop(): Promise<void>;
}

export async function startSampleApp(options: SampleAppOptions): Promise<SampleApp> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const server = createServer();
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${url}/callback`;
  try {
    const metadata = await discover(options.issuer, timeoutMs);
    const responseMode = options.responseMode ?? 'query';
    if (responseMode === 'form_post' && !metadata.response_modes_supported?.includes('form_post')) {
      throw new SampleAppError('the authorization server does not support response_mode form_post');
    }
    const scope = options.scope ?? 'api:read';
    // 0. register application (RFC 7591): a confidential web client, code flow only.
    const registration = await register(
      metadata,
      {
        client_name: options.clientName ?? 'nauthera sample app',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope,
      },
      options.initialAccessToken,
      timeoutMs,
    );
    const state: SampleAppState = {
      issuer: options.issuer,
      audience: options.audience,
      scope,
      responseMode,
      timeoutMs,
      metadata,
      registration,
      registeredAt: new Date().toISOString(),
      redirectUri,
      validations: [],
      resourcesServed: 0,
    };
    server.on('request', createSampleApp(state).callback());
    let stopped = false;
    return {
      url,
      clientId: registration.client_id,
      redirectUri,
      registrationClientUri: registration.registration_client_uri,
      status: () => statusOf(state),
      async stop() {
        if (stopped) return;
        stopped = true;
        await close(server);
        await deregister(registration, Math.min(timeoutMs, 2000));
      },
    };
  } catch (error) {
    await close(server);
    throw error;
  }
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
