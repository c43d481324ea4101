/**
 * The sample web application of the registered-app-jwt flow (drawing 001), which plays the
 * drawing's "Resource server":
 *   GET  /              1-2. the protected resource; without a validated token, a redirect
 *                           to the authorization endpoint (code + PKCE S256, state)
 *   GET  /callback      4-5. the authorization response (POST with response_mode=form_post):
 *                           state and iss checked (RFC 9207), the code exchanged for the JWT
 *                           access token, which is validated locally against the JWKS before
 *                           the resource is served
 *   GET  /api/resource  the same resource for a Bearer JWT (RFC 6750), validated the same way
 *   GET  /status        JSON: the registration and every validation, for the harness
 * Why the code flow: the drawing shows the access token (a JWT) arriving at the callback.
 * Sending it there in the front channel would be the implicit grant, which RFC 9700 §2.1.2
 * says not to use; here the callback receives a code and the app exchanges it, with PKCE, for
 * the JWT over the back channel, so the token never passes through the browser.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import type { Registration, ServerMetadata } from './authorization-server.ts';
import { SampleAppError } from './authorization-server.ts';
import type { TokenValidation, ValidatedToken } from './access-token.ts';
import { accessTokenValidator } from './access-token.ts';
import { Sessions } from './sessions.ts';
import { errorPage, resourcePage } from './pages.ts';

export interface SampleAppState {
  issuer: string;
  audience: string;
  scope: string;
  responseMode: 'query' | 'form_post';
  timeoutMs: number;
  metadata: ServerMetadata;
  registration: Registration;
  registeredAt: string;
  redirectUri: string;
  validations: TokenValidation[];
  resourcesServed: number;
}

const keptValidations = 100;

export function createSampleApp(state: SampleAppState): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const sessions = new Sessions();
  const validate = accessTokenValidator({ issuer: state.issuer, audience: state.audience, jwksUri: state.metadata.jwks_uri, timeoutMs: state.timeoutMs });

  async function check(token: string, via: TokenValidation['via']): Promise<ValidatedToken | undefined> {
    const { validation, token: valid } = await validate(token, via);
    state.validations.push(validation);
    if (state.validations.length > keptValidations) state.validations.shift();
    return valid;
  }

  router.get('/', (ctx) => {
    const session = sessions.ensure(ctx);
    if (session.token && session.token.exp > Date.now() / 1000) {
      state.resourcesServed++;
      html(ctx, 200, resourcePage(session.token));
      return;
    }
    session.token = undefined;
    const verifier = randomBytes(32).toString('base64url');
    const stateValue = randomBytes(24).toString('base64url');
    session.pending = { state: stateValue, verifier, startedAt: Date.now() };
    const url = new URL(state.metadata.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: state.registration.client_id,
      redirect_uri: state.redirectUri,
      scope: state.scope,
      state: stateValue,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(state.responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
    }).toString();
    ctx.status = 303;
    ctx.set('Location', url.href);
    ctx.body = '';
  });

  const callback = async (ctx: Context) => {
    const params = ctx.method === 'POST' ? await readForm(ctx) : new URLSearchParams(ctx.querystring);
    const session = sessions.get(ctx);
    const pending = session?.pending;
    if (!session || !pending) throw new SampleAppError('no sign-in is in progress in this browser; start at /', 400);
    // RFC 9207 §2.4: the iss of the response must be the issuer the request went to.
    const iss = params.get('iss');
    if (iss === null ? state.metadata.authorization_response_iss_parameter_supported === true : iss !== state.issuer) {
      throw new SampleAppError('the authorization response is not from the expected issuer (iss, RFC 9207)', 400);
    }
    if (!sameString(params.get('state') ?? '', pending.state)) throw new SampleAppError('state does not match the sign-in of this browser', 400);
    session.pending = undefined;
    const error = params.get('error');
    if (error !== null) throw new SampleAppError(`the authorization server answered ${error}: ${params.get('error_description') ?? ''}`, 400);
    const code = params.get('code');
    if (!code) throw new SampleAppError('the authorization response has no code', 400);

    const accessToken = await exchangeCode(state, code, pending.verifier);
    const token = await check(accessToken, 'callback');
    if (!token) throw new SampleAppError(`the access token failed validation: ${state.validations.at(-1)?.reason ?? 'invalid'}`, 401);
    if (token.clientId !== state.registration.client_id) throw new SampleAppError('the access token was issued to another client', 401);
    session.token = token;
    sessions.rotate(ctx, session);
    ctx.status = 303;
    ctx.set('Location', '/');
    ctx.body = '';
  };
  router.get('/callback', callback);
  router.post('/callback', callback);

  router.get('/api/resource', async (ctx) => {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(ctx.get('authorization'));
    if (!match) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="nauthera-sample-app"');
      ctx.body = { error: 'invalid_token', error_description: 'a Bearer access token is required' };
      return;
    }
    const token = await check(match[1]!, 'bearer');
    if (!token) {
      const reason = state.validations.at(-1)?.reason ?? 'invalid';
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Bearer realm="nauthera-sample-app", error="invalid_token", error_description="${reason.replace(/["\\]/g, "'")}"`);
      ctx.body = { error: 'invalid_token', error_description: reason };
      return;
    }
    state.resourcesServed++;
    ctx.body = { resource: 'nauthera sample app resource', sub: token.sub, client_id: token.clientId, scope: token.scope.join(' ') };
  });

  router.get('/status', (ctx) => {
    ctx.body = statusOf(state);
  });

  app.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    ctx.set('Referrer-Policy', 'no-referrer');
    try {
      await next();
    } catch (error) {
      const known = error instanceof SampleAppError;
      if (!known) console.error(`nauthera sample app: ${(error as Error).stack ?? String(error)}`);
      html(ctx, known ? error.status : 500, errorPage('The sign-in did not work', known ? error.message : 'unexpected error'));
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

export function statusOf(state: SampleAppState) {
  return {
    issuer: state.issuer,
    audience: state.audience,
    redirectUri: state.redirectUri,
    responseMode: state.responseMode,
    registration: {
      registeredAt: state.registeredAt,
      client_id: state.registration.client_id,
      registration_client_uri: state.registration.registration_client_uri,
      token_endpoint_auth_method: state.registration.token_endpoint_auth_method,
      redirect_uris: state.registration.redirect_uris,
      grant_types: state.registration.grant_types,
    },
    validations: state.validations.map((v) => ({ ...v })),
    resourcesServed: state.resourcesServed,
  };
}

export type SampleAppStatus = ReturnType<typeof statusOf>;

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5); client_secret_basic as registered. */
async function exchangeCode(state: SampleAppState, code: string, verifier: string): Promise<string> {
  const { client_id, client_secret } = state.registration;
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: state.redirectUri, code_verifier: verifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (client_secret !== undefined) {
    // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    const form = (v: string) => new URLSearchParams({ v }).toString().slice(2);
    headers.authorization = `Basic ${Buffer.from(`${form(client_id)}:${form(client_secret)}`).toString('base64')}`;
  } else {
    body.set('client_id', client_id);
  }
  let response: Response;
  try {
    response = await fetch(state.metadata.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(state.timeoutMs) });
  } catch (error) {
    throw new SampleAppError(`the token request failed: ${(error as Error).message}`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new SampleAppError(`the token endpoint answered ${response.status} ${String(answer.error ?? '')}: ${String(answer.error_description ?? '')}`);
  if (typeof answer.access_token !== 'string' || String(answer.token_type).toLowerCase() !== 'bearer') {
    throw new SampleAppError('the token response has no Bearer access_token');
  }
  return answer.access_token;
}

function sameString(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function html(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

/** The form_post callback's body: application/x-www-form-urlencoded, at most 16 KiB, 5 seconds. */
async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(ctx.get('content-type'))) throw new SampleAppError('the callback POST must be form-encoded', 400);
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SampleAppError('the callback body did not arrive in time', 400)), 5000);
    ctx.req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024) {
        clearTimeout(timer);
        ctx.req.resume();
        reject(new SampleAppError('the callback body is too large', 413));
      } else chunks.push(chunk);
    });
    ctx.req.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    ctx.req.on('error', () => {
      clearTimeout(timer);
      reject(new SampleAppError('the callback body could not be read', 400));
    });
  });
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
