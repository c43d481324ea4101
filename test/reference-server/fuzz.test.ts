/**
 * Fuzzing: 10,000+ malformed requests from a seeded PRNG across every endpoint of the AS and
 * the RS, over real HTTP. Nothing may answer 5xx (or redirect a server_error), nothing may
 * log an unexpected error, and every error must have an RFC shape: JSON {error} with an RFC
 * code, an error redirect with iss, or the HTML error page with its code.
 * Replay a failure with FUZZ_SEED=<seed>; FUZZ_COUNT changes the number of requests.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Agent, request } from 'undici';
import { startReferenceServer, type RunningReference } from '../../reference-server/index.ts';
import { rfcErrorCodes } from '../../reference-server/authorization-server/errors.ts';
import { authorize, CookieJar, formAction, hiddenField, redirectUri } from './support/user-agent.ts';
import { basic, client, pkce, postForm, tokenRequest, user } from './support/oauth.ts';
import { codeFor, tokensFor } from './support/flows.ts';
import { Fuzzer, type FuzzRequest, type FuzzState } from './support/fuzz.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20240604);
const count = Number(process.env.FUZZ_COUNT ?? 10_000);
const concurrency = 16;

let ref: RunningReference;
let state: FuzzState;
const logged: string[] = [];

beforeAll(async () => {
  ref = await startReferenceServer();
  const alice = user(ref, 'user');
  // A session whose interaction waits on the consent page: real uid, cookies and CSRF tokens.
  const jar = new CookieJar();
  const start = await authorize(ref, { client_id: 'confidential', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { jar });
  const loginAction = new URL(formAction(start.page!)!, ref.issuer);
  const interactionUid = loginAction.pathname.split('/')[2]!;
  const csrf = hiddenField(start.page!, 'csrf')!;
  const signIn = await fetch(loginAction, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf, ...alice }) });
  jar.capture(signIn);
  const account = await fetch(`${ref.issuer}/account/consents`, { headers: { cookie: jar.header() } });
  const sessionCsrf = hiddenField(await account.text(), 'csrf')!;
  // The device page's CSRF cookie joins the jar; live request_uris, device codes and registrations.
  const devicePage = await fetch(`${ref.issuer}/device`, { headers: { cookie: jar.header() } });
  jar.capture(devicePage);
  const deviceCsrf = hiddenField(await devicePage.text(), 'csrf')!;
  const par = client(ref, 'par');
  const pushed = await Promise.all([0, 1].map(() => postForm(`${ref.issuer}/par`, { response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { clientId: par.client_id, secret: par.client_secret! })));
  const devices = await Promise.all([0, 1].map(async () => (await postForm(`${ref.issuer}/device_authorization`, { client_id: 'device', scope: 'openid api:read' })).body));
  const registrations = await Promise.all([0, 1].map(async () => {
    const response = await fetch(`${ref.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [redirectUri] }) });
    const body = (await response.json()) as { registration_client_uri: string; registration_access_token: string };
    return { uri: body.registration_client_uri, token: body.registration_access_token };
  }));

  const confidential = await tokensFor(ref, 'confidential', alice);
  const opaque = await tokensFor(ref, 'opaque', alice);
  const service = await tokenRequest(ref, 'service', { grant_type: 'client_credentials' });
  const codes = [(await codeFor(ref, 'confidential', { signIn: alice })).code, (await codeFor(ref, 'public', { signIn: alice })).code];
  const secretOf = (role: string) => client(ref, role).client_secret!;
  state = {
    issuer: ref.issuer,
    resourceServer: ref.resourceServer,
    cookies: jar.header(),
    interactionUid,
    csrf,
    sessionCsrf,
    clientIds: ref.clients.map((c) => c.client_id),
    basicAuth: ['confidential', 'service', 'opaque', 'resource-server'].map((role) => basic(client(ref, role).client_id, secretOf(role))),
    accessTokens: [confidential.access_token as string, opaque.access_token as string, service.body.access_token as string, confidential.id_token as string],
    refreshTokens: [confidential.refresh_token as string, opaque.refresh_token as string],
    codes,
    redirectUri,
    requestUris: pushed.map((p) => p.body.request_uri as string),
    deviceCodes: devices.map((d) => d.device_code as string),
    userCodes: devices.map((d) => d.user_code as string),
    deviceCsrf,
    registrations,
  };
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(' '));
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await ref?.stop();
});

/** Why an answer is not RFC-shaped, or undefined when it is. */
function problem(req: FuzzRequest, status: number, headers: Record<string, string | string[] | undefined>, body: string): string | undefined {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  if (status >= 500) return `status ${status}`;
  const type = header('content-type') ?? '';
  if (status >= 300 && status < 400) {
    const location = header('location');
    if (!location) return 'redirect without Location';
    const url = new URL(location, req.origin);
    if (url.href.startsWith(redirectUri)) {
      const answer = url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
      if (answer.get('iss') !== state.issuer) return 'authorization response without iss';
      const error = answer.get('error');
      if (error !== null && (!rfcErrorCodes.has(error) || error === 'server_error')) return `redirected error ${error}`;
    }
    return undefined;
  }
  if (status >= 400) {
    if (status === 401 && !header('www-authenticate')) return '401 without WWW-Authenticate';
    if (status === 405 && !header('allow')) return '405 without Allow';
    if (req.method === 'HEAD') return undefined;
    if (type.startsWith('application/json')) {
      let json: { error?: unknown; error_description?: unknown };
      try {
        json = JSON.parse(body);
      } catch {
        return 'error body is not JSON';
      }
      if (typeof json.error !== 'string' || !rfcErrorCodes.has(json.error) || json.error === 'server_error') return `error code ${String(json.error)}`;
      if (json.error_description !== undefined && typeof json.error_description !== 'string') return 'error_description is not a string';
      return undefined;
    }
    if (type.startsWith('text/html')) {
      const code = /id="error-code">([a-z_]+)</.exec(body)?.[1];
      if (!code || !rfcErrorCodes.has(code) || code === 'server_error') return `HTML error page with code ${code}`;
      return undefined;
    }
    return `error with content-type "${type}"`;
  }
  if (type.startsWith('application/json') && req.method !== 'HEAD' && /"error"\s*:/.test(body.slice(0, 200)) && !body.startsWith('{"resource"')) {
    return 'success status with an error body';
  }
  return undefined;
}

it(`answers ${count} malformed requests without a 5xx, each with an RFC error shape`, { timeout: 300_000 }, async () => {
  const fuzzer = new Fuzzer(seed, state);
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 4000, headersTimeout: 20_000, bodyTimeout: 20_000 });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let answered = 0;
  let index = 0;
  const worker = async () => {
    while (index < count) {
      const i = index++;
      const req = fuzzer.next();
      try {
        const res = await request(`${req.origin}${req.path}`, { dispatcher: agent, method: req.method as never, headers: req.headers, body: req.body });
        const text = await res.body.text();
        answered++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        const why = problem(req, res.statusCode, res.headers, text);
        if (why) failures.push(`#${i} ${req.method} ${req.path.slice(0, 160)} -> ${res.statusCode}: ${why} ${text.slice(0, 200)}`);
      } catch (error) {
        // The client refused to send it (an invalid path or header): that is not an answer.
        const code = (error as { code?: string }).code;
        if (code !== 'UND_ERR_INVALID_ARG' && code !== 'ERR_INVALID_URL' && code !== 'ERR_INVALID_CHAR') {
          failures.push(`#${i} ${req.method} ${req.path.slice(0, 160)} -> no answer: ${code ?? String(error)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await agent.close();

  expect(failures.slice(0, 20), `seed ${seed}`).toEqual([]);
  expect(answered).toBeGreaterThanOrEqual(10_000 * Math.min(1, count / 10_000) * 0.98);
  expect(logged.filter((line) => line.includes('unexpected error')).slice(0, 5)).toEqual([]);
  // The fuzzing reached more than the first check: successes, redirects and errors all occur.
  const by = (from: number, to: number) => [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
  expect(by(200, 300)).toBeGreaterThan(0);
  expect(by(300, 400)).toBeGreaterThan(0);
  expect(by(400, 500)).toBeGreaterThan(count / 2);
});
