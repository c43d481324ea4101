/**
 * Client management at the registration_client_uri (RFC 7592 §2, §3), from the client's side
 * and from another client's: read, update and delete with the client's registration access
 * token, and the refusals without it, with a wrong one, or with another client's. The server
 * may hand out a new registration access token in any response (§2.1, §2.2: the client MUST
 * then discard the old one), so the latest one is always used.
 */
import type { CheckDeclaration, CheckScope, FlowContext, HttpResponse } from '../../harness/flow/index.ts';
import { parseWwwAuthenticate, randomValue } from '../../harness/flow/index.ts';
import { register } from './client-registration.ts';

/** What a client manages itself with (RFC 7592 §3), the latest the server gave. */
interface Managed {
  clientId: string;
  uri: string;
  token: string;
  secret?: string;
  issuedAt?: number;
  metadata: Record<string, any>;
}

/** A client that was deleted at its registration_client_uri (registered-app-jwt's delete check). */
export interface DeletedClient {
  clientId: string;
  uri: string;
  token: string;
  redirectUri: string;
}

export function managementCheckDeclarations(): Record<string, CheckDeclaration> {
  return {
    'management-uri-and-token-returned-together': { name: 'registration_client_uri (an absolute URL) and registration_access_token are returned together', spec: 'RFC 7592 §3' },
    'read-answered-200-current-metadata': { name: 'a read with the registration access token is answered 200 with the client\'s metadata', spec: 'RFC 7592 §2.1' },
    'read-includes-management-fields': { name: 'a read returns registration_client_uri and registration_access_token', spec: 'RFC 7592 §3' },
    'read-without-token-refused-401-bearer': { name: 'a read without a registration access token is refused with 401 and a Bearer challenge', spec: 'RFC 7592 §2, RFC 6750 §3' },
    'read-wrong-token-refused-invalid-token': { name: 'a read with a wrong registration access token is refused with invalid_token', spec: 'RFC 7592 §2.1, RFC 6750 §3.1' },
    'update-wrong-token-refused-invalid-token': { name: 'an update with a wrong registration access token is refused with invalid_token', spec: 'RFC 7592 §2.2, RFC 6750 §3.1' },
    'delete-wrong-token-refused-invalid-token': { name: 'a delete with a wrong registration access token is refused with invalid_token and the client stays', spec: 'RFC 7592 §2.3, RFC 6750 §3.1' },
    'read-another-clients-token-refused': { name: 'a read with another client\'s registration access token is refused (401 or 403)', spec: 'RFC 7592 §2.1' },
    'update-another-clients-token-refused': { name: 'an update with another client\'s registration access token is refused and changes nothing', spec: 'RFC 7592 §2.2' },
    'delete-another-clients-token-refused': { name: 'a delete with another client\'s registration access token is refused and the client stays', spec: 'RFC 7592 §2.3' },
    'update-answered-200-new-metadata': { name: 'an update is answered 200 with the new metadata', spec: 'RFC 7592 §2.2' },
    'read-after-update-returns-new-metadata': { name: 'a read after an update returns the metadata of the update', spec: 'RFC 7592 §2.2' },
    'update-cannot-choose-client-secret': { name: 'an update cannot set a client secret of the client\'s choosing', spec: 'RFC 7592 §2.2' },
    'update-another-client-id-refused': { name: 'an update whose client_id is not the client\'s own is refused', spec: 'RFC 7592 §2.2' },
    'update-cannot-change-client-id-issued-at': { name: 'an update cannot change client_id_issued_at', spec: 'RFC 7592 §2.2, RFC 7591 §3.2.1' },
    'deleted-client-registration-read-refused-401': { name: 'a read of a deleted client is refused with 401', spec: 'RFC 7592 §2.1, §2.3' },
    'deleted-client-id-not-redirected-to': { name: 'a deleted client\'s client_id is not redirected to from the authorization endpoint', spec: 'RFC 7592 §2.3, RFC 6749 §4.1.2.1' },
  };
}

function managedOf(res: HttpResponse | undefined): Managed | undefined {
  const json = res?.json;
  if (!res || res.status !== 201 || typeof json?.registration_client_uri !== 'string' || typeof json.registration_access_token !== 'string') return undefined;
  return {
    clientId: String(json.client_id), uri: json.registration_client_uri, token: json.registration_access_token,
    secret: typeof json.client_secret === 'string' ? json.client_secret : undefined,
    issuedAt: typeof json.client_id_issued_at === 'number' ? json.client_id_issued_at : undefined,
    metadata: json,
  };
}

/** Takes the newer registration access token and secret of a 200 answer (RFC 7592 §2.1, §2.2). */
function follow(m: Managed, res: HttpResponse): void {
  if (res.status !== 200 || !res.json) return;
  if (typeof res.json.registration_access_token === 'string') m.token = res.json.registration_access_token;
  if (typeof res.json.client_secret === 'string') m.secret = res.json.client_secret;
}

/** The metadata an update sends: all of the current fields but the ones RFC 7592 §2.2 keeps out of the request. */
function updateBody(m: Managed, changes: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...m.metadata };
  for (const f of ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at']) delete body[f];
  if (m.secret !== undefined) body.client_secret = m.secret;
  else delete body.client_secret;
  return { ...body, client_id: m.clientId, ...changes };
}

/** A refusal of a management call: a 4xx status, and 401 or 403 when `statuses` says so. */
function expectRefused(c: CheckScope, res: HttpResponse, statuses: number[]): void {
  c.evidence(res);
  if (res.status < 400) c.fail(`expected a refusal with HTTP ${statuses.join(' or ')}, got HTTP ${res.status}${res.json?.client_id ? ` with the metadata of ${JSON.stringify(res.json.client_id)}` : ''}`);
  c.expect(res.status, 'HTTP status').toBeOneOf(statuses);
}

/**
 * Runs the checks of managementCheckDeclarations(). `valid` is a valid registration request;
 * `deleted` the client registered-app-jwt's delete check removed (undefined when it did not).
 */
export async function managementChecks(ctx: FlowContext<object>, valid: Record<string, unknown>, deleted: DeletedClient | undefined): Promise<void> {
  const registered = await register(ctx, valid);
  const m = managedOf(registered);
  // Another client's token is tried by a client of its own, so that a server that honours it harms no other check.
  const victim = managedOf(await register(ctx, { ...valid, client_name: 'nauthera management victim' }));
  const attacker = managedOf(await register(ctx, { ...valid, client_name: 'nauthera management attacker' }));
  ctx.onFlowEnd(async () => {
    for (const x of [m, victim, attacker]) if (x) await ctx.http.request('DELETE', x.uri, { bearer: x.token, timeoutMs: 2_000 }).catch(() => {});
  });
  const none = 'the registration response has no registration_client_uri and registration_access_token: the server offers no client management (RFC 7592)';
  const need = (c: CheckScope, x: Managed | undefined = m): Managed => x ?? c.notApplicable(none);
  const read = (x: Managed, token: string | null = x.token) => ctx.http.get(x.uri, token === null ? {} : { bearer: token });
  const put = (x: Managed, body: Record<string, unknown>, token = x.token) => ctx.http.request('PUT', x.uri, { json: body, bearer: token });

  await ctx.check('management-uri-and-token-returned-together', (c) => {
    c.expectStatus(registered, 201);
    const json = c.expectJson(registered);
    const hasUri = json.registration_client_uri !== undefined;
    const hasToken = json.registration_access_token !== undefined;
    if (!hasUri && !hasToken) return c.notApplicable(none);
    c.expect(json.registration_access_token, 'registration_access_token').toBeNonEmptyString();
    c.expect(json.registration_client_uri, 'registration_client_uri').toBeNonEmptyString();
    c.expect(URL.canParse(json.registration_client_uri), `registration_client_uri ${JSON.stringify(json.registration_client_uri)} is an absolute URL`).toBe(true);
  }, { soft: true });

  await ctx.check('read-answered-200-current-metadata', async (c) => {
    const x = need(c);
    const res = await read(x);
    follow(x, res);
    c.expectStatus(res, 200);
    const json = c.expectJson(res);
    c.expect(json.client_id, 'client_id').toBe(x.clientId);
    c.expect(json.redirect_uris, 'redirect_uris').toEqual(x.metadata.redirect_uris);
    c.expect(json.grant_types, 'grant_types').toEqual(x.metadata.grant_types);
  }, { soft: true });

  await ctx.check('read-includes-management-fields', async (c) => {
    const x = need(c);
    const res = await read(x);
    follow(x, res);
    c.expectStatus(res, 200);
    const json = c.expectJson(res);
    c.expect(json.registration_client_uri, 'registration_client_uri').toBeNonEmptyString();
    c.expect(json.registration_access_token, 'registration_access_token').toBeNonEmptyString();
  }, { soft: true });

  await ctx.check('read-without-token-refused-401-bearer', async (c) => {
    const x = need(c);
    const res = await read(x, null);
    expectRefused(c, res, [401]);
    const challenge = parseWwwAuthenticate(res.header('www-authenticate'));
    c.expect(challenge?.scheme.toLowerCase(), 'WWW-Authenticate scheme').toBe('bearer');
  }, { soft: true });

  const wrong = `nauthera-wrong-${randomValue(12)}`;
  await ctx.check('read-wrong-token-refused-invalid-token', async (c) => {
    c.expectBearerError(await read(need(c), wrong), 'invalid_token');
  }, { soft: true });
  await ctx.check('update-wrong-token-refused-invalid-token', async (c) => {
    const x = need(c);
    c.expectBearerError(await put(x, updateBody(x, {}), wrong), 'invalid_token');
  }, { soft: true });
  await ctx.check('delete-wrong-token-refused-invalid-token', async (c) => {
    const x = need(c);
    c.expectBearerError(await ctx.http.request('DELETE', x.uri, { bearer: wrong }), 'invalid_token');
    const still = await read(x);
    follow(x, still);
    c.expect(still.status, 'HTTP status of a read with the client\'s own token afterwards').toBe(200);
  }, { soft: true });

  // RFC 7592 §2.1-§2.3: a token that is not this client's is invalid for it (401), or has no permission (403).
  await ctx.check('read-another-clients-token-refused', async (c) => {
    const x = need(c, attacker);
    const v = need(c, victim);
    expectRefused(c, await read(v, x.token), [401, 403]);
  }, { soft: true });
  await ctx.check('update-another-clients-token-refused', async (c) => {
    const x = need(c, attacker);
    const v = need(c, victim);
    const hijack = 'https://evil.nauthera.test/callback';
    expectRefused(c, await put(v, updateBody(v, { redirect_uris: [hijack] }), x.token), [401, 403]);
    const after = await read(v);
    follow(v, after);
    c.expect(after.json?.redirect_uris, `the redirect_uris of ${v.clientId} afterwards`).not.toContain(hijack);
  }, { soft: true });
  await ctx.check('delete-another-clients-token-refused', async (c) => {
    const x = need(c, attacker);
    const v = need(c, victim);
    expectRefused(c, await ctx.http.request('DELETE', v.uri, { bearer: x.token }), [401, 403]);
    const after = await read(v);
    follow(v, after);
    c.expect(after.status, `HTTP status of a read of ${v.clientId} with its own token afterwards`).toBe(200);
  }, { soft: true });

  const moved = 'https://rp.nauthera.test/registered-app/moved';
  let updated: HttpResponse | undefined;
  await ctx.check('update-answered-200-new-metadata', async (c) => {
    const x = need(c);
    updated = await put(x, updateBody(x, { redirect_uris: [moved] }));
    follow(x, updated);
    c.expectStatus(updated, 200);
    const json = c.expectJson(updated);
    c.expect(json.client_id, 'client_id').toBe(x.clientId);
    c.expect(json.redirect_uris, 'redirect_uris').toEqual([moved]);
    x.metadata = json;
  }, { soft: true });
  await ctx.check('read-after-update-returns-new-metadata', async (c) => {
    const x = need(c);
    if (updated?.status !== 200) return c.notApplicable('the update was not answered 200 (its own check fails)');
    const res = await read(x);
    follow(x, res);
    c.expectStatus(res, 200);
    c.expect(c.expectJson(res).redirect_uris, 'redirect_uris').toEqual([moved]);
  }, { soft: true });

  await ctx.check('update-cannot-choose-client-secret', async (c) => {
    const x = need(c);
    if (x.secret === undefined) return c.notApplicable('the client has no client_secret');
    const chosen = `nauthera-chosen-${randomValue(12)}`;
    const res = await put(x, updateBody(x, { client_secret: chosen }));
    follow(x, res);
    if (res.status === 200) c.expect(res.json?.client_secret, 'client_secret after the update').not.toBe(chosen);
    else expectRefused(c, res, [400]);
    // The chosen secret must not authenticate: a code that does not exist is invalid_client with it.
    const probe = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'authorization_code', code: `nauthera-none-${randomValue(8)}`, redirect_uri: String(x.metadata.redirect_uris?.[0] ?? '') }, { basic: { username: x.clientId, password: chosen } });
    c.expectOAuthError(probe, 'invalid_client');
  }, { soft: true });

  await ctx.check('update-another-client-id-refused', async (c) => {
    const x = need(c);
    const res = await put(x, updateBody(x, { client_id: `nauthera-other-${randomValue(6)}` }));
    follow(x, res);
    expectRefused(c, res, [400, 401, 403]);
  }, { soft: true });

  await ctx.check('update-cannot-change-client-id-issued-at', async (c) => {
    const x = need(c);
    const res = await put(x, { ...updateBody(x, {}), client_id_issued_at: 1 });
    follow(x, res);
    if (res.status >= 400) return `the update was refused with HTTP ${res.status}`;
    c.expectStatus(res, 200);
    const after = await read(x);
    follow(x, after);
    c.expect(after.json?.client_id_issued_at, 'client_id_issued_at read after the update').not.toBe(1);
  }, { soft: true });

  await ctx.check('deleted-client-registration-read-refused-401', async (c) => {
    if (!deleted) return c.notApplicable('no client was deleted at its registration_client_uri (the delete check did not get that far)');
    expectRefused(c, await ctx.http.get(deleted.uri, { bearer: deleted.token }), [401]);
  }, { soft: true });

  await ctx.check('deleted-client-id-not-redirected-to', async (c) => {
    if (!deleted) return c.notApplicable('no client was deleted at its registration_client_uri (the delete check did not get that far)');
    const url = new URL(ctx.target.endpoint('authorization_endpoint'));
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: deleted.clientId, redirect_uri: deleted.redirectUri, scope: ctx.target.capabilities.openid ? 'openid' : '', state: randomValue() })) if (v) url.searchParams.set(k, v);
    await ctx.browser.resetSession();
    c.expectNoRedirect(await ctx.browser.authorize(url.toString(), { user: ctx.target.user('user'), redirectUris: [deleted.redirectUri] }), deleted.redirectUri);
  }, { soft: true });
}
