/**
 * The client information response and the error response of dynamic client registration
 * (RFC 7591 §2, §3.2.1, §3.2.2), one check per rule, for the "register application" arrow.
 * The server MAY replace what a client asks for (§3.2.1) and MAY ignore metadata it does not
 * understand (§2), so a check fails only what neither allows: a registered value not returned,
 * an invalid value kept, an error in the wrong form.
 *
 * Whether a server understands an optional field is read from how it treats an invalid value
 * of it: refused with invalid_client_metadata, or replaced, means understood (and then a valid
 * value MUST come back); accepted and not returned means ignored (the returned check is not
 * applicable).
 */
import type { CheckDeclaration, CheckScope, FlowContext, HttpResponse } from '../../harness/flow/index.ts';
import { deleteAtFlowEnd, register } from './client-registration.ts';

/** Optional client metadata (§2), each with a value of the right kind and one that is not. */
export const optionalFields = {
  client_name: { valid: 'nauthera registration check', invalid: 42 },
  client_uri: { valid: 'https://rp.nauthera.test/', invalid: 'not a URL' },
  logo_uri: { valid: 'https://rp.nauthera.test/logo.png', invalid: 'not a URL' },
  tos_uri: { valid: 'https://rp.nauthera.test/terms', invalid: 'not a URL' },
  policy_uri: { valid: 'https://rp.nauthera.test/privacy', invalid: 'not a URL' },
  contacts: { valid: ['ops@rp.nauthera.test'], invalid: 'ops@rp.nauthera.test' },
} as const;
type OptionalField = keyof typeof optionalFields;
const optionalNames = Object.keys(optionalFields) as OptionalField[];

/** Metadata the server provisions when the client leaves it out (§2 gives the defaults). */
const provisionedFields = ['grant_types', 'response_types', 'token_endpoint_auth_method'] as const;

export function registrationCheckDeclarations(): Record<string, CheckDeclaration> {
  const declarations: Record<string, CheckDeclaration> = {
    'registration-response-application-json': { name: 'the registration response is an application/json object', spec: 'RFC 7591 §3.2.1' },
    'client-id-issued-at-seconds': { name: 'client_id_issued_at, when present, is the time of issue in seconds', spec: 'RFC 7591 §3.2.1' },
    'client-secret-comes-with-expires-at': { name: 'a client_secret comes with client_secret_expires_at, 0 or a later time in seconds', spec: 'RFC 7591 §3.2.1' },
    'client-secrets-unique': { name: 'two registrations get different client secrets', spec: 'RFC 7591 §3.2.1' },
    'client-ids-unique': { name: 'two registrations get different client_ids', spec: 'RFC 7591 §3.2.1' },
  };
  for (const field of ['grant_types', 'response_types', 'token_endpoint_auth_method']) {
    declarations[`registered-${field.replace(/_/g, '-')}-returned`] = { name: `the registered ${field} is returned`, spec: 'RFC 7591 §3.2.1' };
  }
  for (const field of optionalNames) {
    declarations[`invalid-${field.replace(/_/g, '-')}-refused-or-replaced`] = { name: `an invalid ${field} is refused with invalid_client_metadata or replaced`, spec: 'RFC 7591 §2, §3.2.2' };
    declarations[`registered-${field.replace(/_/g, '-')}-returned`] = { name: `a registered ${field} the server keeps is returned`, spec: 'RFC 7591 §3.2.1' };
  }
  for (const field of provisionedFields) {
    declarations[`omitted-${field.replace(/_/g, '-')}-provisioned-returned`] = { name: `a registration that omits ${field} gets the provisioned value returned`, spec: 'RFC 7591 §2, §3.2.1' };
  }
  Object.assign(declarations, {
    'unsupported-grant-type-refused-or-replaced': { name: 'an unsupported grant type is refused with invalid_client_metadata or replaced', spec: 'RFC 7591 §2, §3.2.2' },
    'unsupported-response-type-refused-or-replaced': { name: 'an unsupported response type is refused with invalid_client_metadata or replaced', spec: 'RFC 7591 §2, §3.2.2' },
    'inconsistent-grant-response-types-not-registered': { name: 'response_types and grant_types that do not go together are not registered as sent', spec: 'RFC 7591 §2.1', severity: 'warning' },
    'public-client-without-redirect-uris-refused': { name: 'a public code-flow client without redirect_uris is refused', spec: 'RFC 6749 §3.1.2.2, RFC 7591 §3.2.2' },
    'plain-http-redirect-uri-refused': { name: 'a plain http redirect URI on a host other than loopback is refused', spec: 'RFC 6749 §3.1.2.1, RFC 9700 §4.1.1', severity: 'warning' },
    'body-not-json-refused-400': { name: 'a request body that is not JSON is refused with HTTP 400 and an error', spec: 'RFC 7591 §3.2.2' },
    'registration-error-application-json': { name: 'a registration error is an application/json object with an error string', spec: 'RFC 7591 §3.2.2' },
  } satisfies Record<string, CheckDeclaration>);
  return declarations;
}

const key = (field: string) => field.replace(/_/g, '-');

/** Registers and deletes at the flow's end. */
async function registerTemp(ctx: FlowContext<object>, metadata: Record<string, unknown>): Promise<HttpResponse> {
  const res = await register(ctx, metadata);
  deleteAtFlowEnd(ctx, res);
  return res;
}

/** The media type of a response, lower case, without parameters. */
const mediaType = (res: HttpResponse) => (res.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** 201 with the field not the invalid value (replaced or left out), or 400 invalid_client_metadata; returns how the server treated it. */
function expectRefusedOrReplaced(c: CheckScope, res: HttpResponse, field: string, invalid: unknown): 'refused' | 'replaced' | 'ignored' {
  if (res.status === 201) {
    const got = res.json?.[field];
    c.expect(JSON.stringify(got), `the registered ${field}`).not.toBe(JSON.stringify(invalid));
    return got === undefined ? 'ignored' : 'replaced';
  }
  c.expectOAuthError(res, 'invalid_client_metadata');
  return 'refused';
}

/**
 * Runs the checks of registrationCheckDeclarations(). `valid` is a complete, valid registration
 * request; `registered` the server's answer to it (registered-app-jwt's first check).
 */
export async function registrationChecks(ctx: FlowContext<object>, valid: Record<string, unknown>, registered: HttpResponse | undefined): Promise<void> {
  const full: Record<string, unknown> = { ...valid };
  for (const field of optionalNames) full[field] = optionalFields[field].valid;
  const withAll = await registerTemp(ctx, full);
  const ok = (res: HttpResponse | undefined, c: CheckScope): Record<string, any> => {
    if (!res || res.status !== 201) return c.fail(`the registration was answered HTTP ${res?.status ?? 'nothing'}${res?.json?.error ? ` with error ${JSON.stringify(res.json.error)}` : ''}, not 201`);
    return c.expectJson(res);
  };

  await ctx.check('registration-response-application-json', (c) => {
    const res = registered ?? withAll;
    c.expect(mediaType(res), 'Content-Type').toBe('application/json');
    c.expectJson(res);
  }, { soft: true });

  await ctx.check('client-id-issued-at-seconds', (c) => {
    const json = ok(registered, c);
    if (json.client_id_issued_at === undefined) return c.notApplicable('the registration response has no client_id_issued_at (OPTIONAL)');
    c.expect(json.client_id_issued_at, 'client_id_issued_at').toBeNumber();
    const now = Date.now() / 1000;
    // Seconds since the epoch (a clock a day off still passes; milliseconds do not).
    c.expect(Math.abs(json.client_id_issued_at - now), `distance of client_id_issued_at ${json.client_id_issued_at} from now (${Math.round(now)}) in seconds`).toBeLessThan(86_400);
  }, { soft: true });

  await ctx.check('client-secret-comes-with-expires-at', (c) => {
    const json = ok(registered, c);
    if (json.client_secret === undefined) return c.notApplicable('the registration response issues no client_secret');
    c.expect(json.client_secret_expires_at, 'client_secret_expires_at').toBeNumber();
    if (json.client_secret_expires_at !== 0) {
      const now = Date.now() / 1000;
      c.expect(json.client_secret_expires_at, 'client_secret_expires_at').toBeGreaterThan(now);
      c.expect(json.client_secret_expires_at, 'client_secret_expires_at (seconds, not milliseconds)').toBeLessThan(now + 100 * 365 * 86_400);
    }
  }, { soft: true });

  await ctx.check('client-ids-unique', (c) => {
    const a = ok(registered, c);
    const b = ok(withAll, c);
    c.should(a.client_id !== b.client_id, `both registrations got client_id ${JSON.stringify(a.client_id)}; RFC 7591 §3.2.1: it SHOULD NOT be valid for any other registered client`);
  }, { soft: true });

  await ctx.check('client-secrets-unique', (c) => {
    const a = ok(registered, c);
    const b = ok(withAll, c);
    if (typeof a.client_secret !== 'string' || typeof b.client_secret !== 'string') return c.notApplicable('the registrations issued no client_secret');
    c.expect(b.client_secret, `the second registration's client_secret`).not.toBe(a.client_secret);
  }, { soft: true });

  for (const field of ['grant_types', 'response_types', 'token_endpoint_auth_method']) {
    await ctx.check(`registered-${key(field)}-returned`, (c) => {
      const json = ok(registered, c);
      // A substituted value is allowed (§3.2.1); a missing one is not.
      c.expect(json[field], field).toBeDefined();
      if (JSON.stringify(json[field]) !== JSON.stringify(valid[field])) c.pass(`replaced by ${JSON.stringify(json[field])} (RFC 7591 §3.2.1 allows it)`);
    }, { soft: true });
  }

  for (const field of optionalNames) {
    const invalid = optionalFields[field].invalid;
    let treated: 'refused' | 'replaced' | 'ignored' | undefined;
    await ctx.check(`invalid-${key(field)}-refused-or-replaced`, async (c) => {
      treated = expectRefusedOrReplaced(c, await registerTemp(ctx, { ...valid, [field]: invalid }), field, invalid);
      return `${field} ${JSON.stringify(invalid)}: ${treated === 'ignored' ? 'accepted and not returned (the server ignores the field)' : treated}`;
    }, { soft: true });
    await ctx.check(`registered-${key(field)}-returned`, (c) => {
      const json = ok(withAll, c);
      if (json[field] !== undefined) return `${field} returned as ${JSON.stringify(json[field])}`;
      if (treated === 'ignored') return c.notApplicable(`the server ignores ${field}: an invalid value was accepted and not returned`);
      if (treated === undefined) return c.notApplicable(`whether the server keeps ${field} is unknown: the invalid-value registration did not complete`);
      c.fail(`${field} was sent as ${JSON.stringify(optionalFields[field].valid)} and is missing from the response, though the server understands it (an invalid value was ${treated})`);
    }, { soft: true });
  }

  const minimal = await registerTemp(ctx, { redirect_uris: valid.redirect_uris });
  for (const field of provisionedFields) {
    await ctx.check(`omitted-${key(field)}-provisioned-returned`, (c) => {
      const json = ok(minimal, c);
      c.expect(json[field], `${field} (omitted in the request)`).toBeDefined();
      return `${field} provisioned as ${JSON.stringify(json[field])}`;
    }, { soft: true });
  }

  await ctx.check('unsupported-grant-type-refused-or-replaced', async (c) => {
    const bogus = ['authorization_code', 'urn:nauthera:test:unknown-grant'];
    const res = await registerTemp(ctx, { ...valid, grant_types: bogus });
    if (res.status === 201) c.expect(res.json?.grant_types, 'the registered grant_types').not.toContain(bogus[1]);
    else c.expectOAuthError(res, 'invalid_client_metadata');
  }, { soft: true });

  await ctx.check('unsupported-response-type-refused-or-replaced', async (c) => {
    const bogus = ['code', 'nauthera_unknown'];
    const res = await registerTemp(ctx, { ...valid, response_types: bogus });
    if (res.status === 201) c.expect(res.json?.response_types, 'the registered response_types').not.toContain(bogus[1]);
    else c.expectOAuthError(res, 'invalid_client_metadata');
  }, { soft: true });

  // §2.1: a server SHOULD keep a client from registering into an inconsistent state.
  await ctx.check('inconsistent-grant-response-types-not-registered', async (c) => {
    const res = await registerTemp(ctx, { ...valid, grant_types: ['client_credentials'], response_types: ['code'] });
    if (res.status !== 201) return c.expectOAuthError(res, 'invalid_client_metadata');
    const grants: unknown[] = Array.isArray(res.json?.grant_types) ? res.json.grant_types : [];
    const responses: unknown[] = Array.isArray(res.json?.response_types) ? res.json.response_types : [];
    c.should(!responses.includes('code') || grants.includes('authorization_code'), `registered response_types ${JSON.stringify(responses)} with grant_types ${JSON.stringify(grants)}: "code" without "authorization_code"`);
  }, { soft: true });

  // RFC 6749 §3.1.2.2: the AS MUST require public clients to register their redirection endpoint.
  await ctx.check('public-client-without-redirect-uris-refused', async (c) => {
    const res = await registerTemp(ctx, { client_name: 'nauthera public client', grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    c.expectOAuthError(res, ['invalid_redirect_uri', 'invalid_client_metadata']);
  }, { soft: true });

  // RFC 6749 §3.1.2.1: the redirection endpoint SHOULD require TLS; loopback is the native-app exception (RFC 8252 §7.3).
  await ctx.check('plain-http-redirect-uri-refused', async (c) => {
    const res = await registerTemp(ctx, { ...valid, redirect_uris: ['http://rp.nauthera.test/callback'] });
    if (res.status === 201) return c.should(false, 'a redirect URI http://rp.nauthera.test/callback (no TLS, not loopback) was registered');
    c.expectOAuthError(res, ['invalid_redirect_uri', 'invalid_client_metadata']);
  }, { soft: true });

  await ctx.check('body-not-json-refused-400', async (c) => {
    const res = await ctx.http.request('POST', ctx.target.endpoint('registration_endpoint'), {
      body: '{"redirect_uris": [', headers: { 'content-type': 'application/json' },
      ...(typeof ctx.target.options.registrationInitialAccessToken === 'string' ? { bearer: ctx.target.options.registrationInitialAccessToken } : {}),
    });
    deleteAtFlowEnd(ctx, res);
    c.expectStatus(res, 400);
    c.expect(c.expectJson(res).error, 'error').toBeNonEmptyString();
  }, { soft: true });

  await ctx.check('registration-error-application-json', async (c) => {
    const res = await registerTemp(ctx, { ...valid, redirect_uris: ['https://rp.nauthera.test/callback#fragment'] });
    if (res.status === 201) return c.notApplicable('the registration of a redirect URI with a fragment was accepted (its own check fails)');
    c.expect(mediaType(res), 'Content-Type').toBe('application/json');
    c.expect(c.expectJson(res).error, 'error').toBeNonEmptyString();
    if (res.json.error_description !== undefined) c.expect(res.json.error_description, 'error_description').toMatch(/^[\x20-\x7e]*$/);
  }, { soft: true });
}
