/**
 * Pushed Authorization Requests (RFC 9126): the first "oauh2" diagram of seed 000, whose
 * "Request Token" is the request_uri the AS returns for a pushed request. The client pushes
 * its authorization request, sends the browser with only client_id and request_uri, and
 * exchanges the code. The request_uri must be bound to its client and used once (§2.2, §4).
 */
import { defineFlow, step, randomValue, withQuery, type AuthorizeOutcome, type CheckScope, type FlowContext, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, describeNoCode, type CodeRequest } from './lib/authorization-request.ts';
import { expectSameState } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { resourceSteps } from './lib/resource-request.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, otherCodeClient } from './lib/token-request.ts';
import { describeBound, entropyUpperBound } from './lib/credential-entropy.ts';
import { expectBasicChallenge, expectJsonMediaType } from './lib/response-format.ts';

/** RFC 9126 §2.2: the URN form a request_uri MAY take; its reference value is the random part. */
const requestUriUrnPrefix = 'urn:ietf:params:oauth:request_uri:';

interface State {
  client: TargetClient;
  request: CodeRequest;
  push: HttpResponse;
  /** Date.now() when the main request was pushed. */
  pushedAt?: number;
  /** A request pushed to be seen expire. */
  expiring?: { pushedAt: number; requestUri?: string; expiresIn?: unknown };
  requestUri: string;
  url: string;
  outcome: AuthorizeOutcome;
  code: string;
  tokens: Record<string, any>;
  resource?: HttpResponse;
}

/** The PAR client (require_pushed_authorization_requests, RFC 9126 §6), else the confidential one. */
function clientOf(target: Target): TargetClient | undefined {
  return target.findClient('par') ?? target.findClient('confidential');
}

/** POSTs an authorization request to the PAR endpoint, authenticated as the client (RFC 9126 §2.1). */
function push(ctx: FlowContext<any>, client: TargetClient, params: Record<string, string>): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('pushed_authorization_request_endpoint'), params, { client });
}

/** The authorization URL of RFC 9126 §4: client_id and request_uri, nothing else. */
const authorizationUrl = (target: Target, clientId: string, requestUri: string) => withQuery(target.endpoint('authorization_endpoint'), { client_id: clientId, request_uri: requestUri });

/** The AS refused: an error page, or an error at the redirect URI; never a code. */
function expectNoCode(c: CheckScope, outcome: AuthorizeOutcome): string {
  c.evidence(outcome);
  if (outcome.kind === 'redirect' && outcome.params.code) return c.fail(`the AS issued a code (redirected to ${outcome.redirectUri})`);
  return `refused: ${describeNoCode(outcome)}`;
}

/** A raw form body (for a repeated parameter), the client authenticated with HTTP Basic. */
function pushRaw(ctx: FlowContext<any>, client: TargetClient, pairs: Array<[string, string]>): Promise<HttpResponse> {
  const basic = client.token_endpoint_auth_method === 'client_secret_basic' && client.client_secret ? { username: client.client_id, password: client.client_secret } : undefined;
  const extra: Array<[string, string]> = basic ? [] : client.token_endpoint_auth_method === 'client_secret_post' && client.client_secret ? [['client_secret', client.client_secret]] : [];
  return ctx.http.request('POST', ctx.target.endpoint('pushed_authorization_request_endpoint'), {
    body: new URLSearchParams([...pairs, ...extra]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    basic,
  });
}

const withoutParam = (params: Record<string, string>, name: string) => Object.fromEntries(Object.entries(params).filter(([k]) => k !== name));

const pushCheckDeclarations = {
  'pushed-request-without-client-authentication-refused': { name: 'a pushed request of a client with a secret that sends only client_id is refused with invalid_client', spec: 'RFC 9126 §2.1, RFC 6749 §3.2.1, §5.2' },
  'pushed-request-unknown-client-refused': { name: 'a pushed request from an unknown client is refused with invalid_client', spec: 'RFC 9126 §2.1, RFC 6749 §5.2' },
  'pushed-request-client-error-json': { name: 'a client authentication error from the PAR endpoint is application/json', spec: 'RFC 9126 §2.3, RFC 6749 §5.2' },
  'require-pushed-authorization-requests-metadata-boolean': { name: 'require_pushed_authorization_requests in the metadata, when given, is a boolean', spec: 'RFC 9126 §5' },
  'pushed-request-wrong-basic-secret-401-challenge': { name: 'a pushed request with a wrong secret sent with HTTP Basic gets 401 and a Basic challenge', spec: 'RFC 9126 §2.1, RFC 6749 §5.2' },
  'pushed-request-without-response-type-refused': { name: 'a pushed request without response_type is refused with invalid_request', spec: 'RFC 9126 §2.1, §2.3, RFC 6749 §4.1.2.1' },
  'pushed-request-unsupported-response-type-refused': { name: 'a pushed request with an unknown response_type is refused', spec: 'RFC 9126 §2.1, §2.3, RFC 6749 §4.1.2.1' },
  'pushed-request-unknown-scope-ignored-or-invalid-scope': { name: 'a pushed request with an unknown scope is accepted or refused with invalid_scope', spec: 'RFC 9126 §2.1, RFC 6749 §3.3, §4.1.2.1' },
  'pushed-request-unsupported-pkce-method-refused': { name: 'a pushed request with an unsupported code_challenge_method is refused with invalid_request', spec: 'RFC 9126 §2.1, RFC 7636 §4.4.1' },
  'pushed-request-unknown-parameter-ignored': { name: 'an unknown parameter in a pushed request is ignored', spec: 'RFC 9126 §2.1, RFC 6749 §3.1' },
  'pushed-request-empty-parameter-as-omitted': { name: 'an empty parameter in a pushed request is treated as omitted', spec: 'RFC 9126 §2.1, RFC 6749 §3.1' },
  'pushed-request-repeated-parameter-refused': { name: 'a pushed request with a repeated parameter is refused with invalid_request', spec: 'RFC 9126 §2.3, RFC 6749 §3.1, §4.1.2.1', severity: 'warning' },
  'pushed-request-prompt-none-no-interaction-error': { name: 'a pushed request with prompt=none gets no user-interaction error', spec: 'RFC 9126 §2.3' },
  'pushed-request-error-json': { name: 'an error from the PAR endpoint is application/json', spec: 'RFC 9126 §2.3, RFC 6749 §5.2' },
  'par-endpoint-get-405': { name: 'a GET to the PAR endpoint is answered 405', spec: 'RFC 9126 §2.3', severity: 'warning' },
} as const;

/** The PAR endpoint's refusals and how it reads parameters (RFC 9126 §2.1, §2.3). */
async function pushChecks(ctx: FlowContext<State>): Promise<void> {
  const { client, request } = ctx.state;
  const fresh = () => codeRequest(ctx.target, client, { scope: request.scope }).params;
  const endpoint = ctx.target.endpoint('pushed_authorization_request_endpoint');
  const noSecret = `client ${client.client_id} authenticates with ${client.token_endpoint_auth_method}, not a secret`;
  await ctx.check('pushed-request-without-client-authentication-refused', async (c) => {
    if (!client.client_secret) return c.notApplicable(noSecret);
    // §2.1 step 1: authenticated as at the token endpoint; client_id alone authenticates nobody.
    c.expectOAuthError(await ctx.http.postForm(endpoint, fresh()), 'invalid_client');
  }, { soft: true });
  let unknownClient: HttpResponse | undefined;
  await ctx.check('pushed-request-unknown-client-refused', async (c) => {
    const unknown = `nauthera-unknown-${randomValue(6)}`;
    unknownClient = await ctx.http.postForm(endpoint, { ...fresh(), client_id: unknown }, { basic: { username: unknown, password: 'nauthera-unknown-secret' } });
    c.expectOAuthError(unknownClient, 'invalid_client');
  }, { soft: true });
  // Client authentication often answers from a layer of its own: its error is judged apart.
  await ctx.check('pushed-request-client-error-json', (c) => {
    if (!unknownClient || unknownClient.status < 400) return c.notApplicable('the push of an unknown client was not refused (judged by the check before)');
    expectJsonMediaType(c, unknownClient);
  }, { soft: true });
  await ctx.check('require-pushed-authorization-requests-metadata-boolean', (c) => {
    const value = ctx.target.metadata.require_pushed_authorization_requests;
    if (value === undefined) return 'not given: false (§5)';
    c.expect(typeof value, 'require_pushed_authorization_requests type').toBe('boolean');
  }, { soft: true });
  await ctx.check('pushed-request-wrong-basic-secret-401-challenge', async (c) => {
    if (!client.client_secret || client.token_endpoint_auth_method !== 'client_secret_basic') return c.notApplicable(`client ${client.client_id} does not authenticate with client_secret_basic`);
    expectBasicChallenge(c, await push(ctx, { ...client, client_secret: `${client.client_secret}-wrong` }, fresh()));
  }, { soft: true });
  let missingResponseType: HttpResponse | undefined;
  await ctx.check('pushed-request-without-response-type-refused', async (c) => {
    missingResponseType = await push(ctx, client, withoutParam(fresh(), 'response_type'));
    c.expectOAuthError(missingResponseType, 'invalid_request');
  }, { soft: true });
  await ctx.check('pushed-request-unsupported-response-type-refused', async (c) => {
    // unsupported_response_type, or invalid_request ("an invalid parameter value"), or unauthorized_client (not this client's): all §4.1.2.1.
    c.expectOAuthError(await push(ctx, client, { ...fresh(), response_type: 'nauthera_unknown' }), ['unsupported_response_type', 'invalid_request', 'unauthorized_client']);
  }, { soft: true });
  await ctx.check('pushed-request-unknown-scope-ignored-or-invalid-scope', async (c) => {
    const res = await push(ctx, client, { ...fresh(), scope: `${request.scope} nauthera_unknown_scope_${randomValue(4)}`.trim() });
    // RFC 6749 §3.3: the server MAY ignore the scope it does not grant; a refusal says invalid_scope.
    if (res.status === 201) return 'accepted (the scope granted is told with the tokens)';
    c.expectOAuthError(res, 'invalid_scope');
  }, { soft: true });
  await ctx.check('pushed-request-unsupported-pkce-method-refused', async (c) => {
    c.expectOAuthError(await push(ctx, client, { ...fresh(), code_challenge_method: 'nauthera-unknown' }), 'invalid_request');
  }, { soft: true });
  await ctx.check('pushed-request-unknown-parameter-ignored', async (c) => {
    const res = await push(ctx, client, { ...fresh(), nauthera_unknown_parameter: randomValue(6) });
    c.expectStatus(res, 201);
    c.expect(res.json?.request_uri, 'request_uri').toBeNonEmptyString();
  }, { soft: true });
  await ctx.check('pushed-request-empty-parameter-as-omitted', async (c) => {
    // An empty prompt is no prompt (an empty value would be no valid prompt value if read as sent).
    const res = await push(ctx, client, { ...fresh(), prompt: '' });
    c.expectStatus(res, 201);
    c.expect(res.json?.request_uri, 'request_uri').toBeNonEmptyString();
  }, { soft: true });
  await ctx.check('pushed-request-repeated-parameter-refused', async (c) => {
    const params = fresh();
    const res = await pushRaw(ctx, client, [...Object.entries(params), ['state', params.state ?? randomValue()]]);
    c.evidence(res);
    c.should(res.status >= 400 && res.json?.error === 'invalid_request', `expected invalid_request for a repeated state, got HTTP ${res.status}${typeof res.json?.error === 'string' ? ` with error ${JSON.stringify(res.json.error)}` : ''}`);
  }, { soft: true });
  await ctx.check('pushed-request-prompt-none-no-interaction-error', async (c) => {
    const res = await push(ctx, client, { ...fresh(), prompt: 'none' });
    c.evidence(res);
    // §2.3: no user is involved yet, so login_required, consent_required and the like are never returned.
    const interaction = ['login_required', 'consent_required', 'interaction_required', 'account_selection_required'];
    if (interaction.includes(res.json?.error)) return c.fail(`the PAR endpoint answered ${JSON.stringify(res.json.error)}, an error about user interaction`);
    return res.status === 201 ? 'accepted' : `refused with ${JSON.stringify(res.json?.error)} (not about user interaction)`;
  }, { soft: true });
  await ctx.check('pushed-request-error-json', (c) => {
    if (!missingResponseType || missingResponseType.status < 400) return c.notApplicable('the request without response_type was not refused (judged by its own check)');
    expectJsonMediaType(c, missingResponseType);
  }, { soft: true });
  await ctx.check('par-endpoint-get-405', async (c) => {
    const res = await ctx.http.get(endpoint, { query: fresh() });
    c.evidence(res);
    if (res.status >= 200 && res.status < 300 && typeof res.json?.request_uri === 'string') return c.fail(`a GET was answered with HTTP ${res.status} and a request_uri; §2.1 has the client POST`);
    c.should(res.status === 405, `a GET was answered with HTTP ${res.status}`);
  }, { soft: true });
}

const pushResponseCheckDeclarations = {
  'par-response-json': { name: 'the PAR response is application/json', spec: 'RFC 9126 §2.2' },
  'request-uri-entropy-at-least-128-bits': { name: 'the request_uri can hold at least 128 bits of randomness', spec: 'RFC 9126 §2.2, RFC 6749 §10.10' },
  'request-uri-unique-per-push': { name: 'each pushed request gets its own request_uri', spec: 'RFC 9126 §2.2' },
  'expires-in-positive-integer': { name: 'expires_in is a positive integer', spec: 'RFC 9126 §2.2' },
} as const;

async function pushResponseChecks(ctx: FlowContext<State>): Promise<void> {
  const res = ctx.state.push;
  const requestUri = ctx.state.requestUri;
  await ctx.check('par-response-json', (c) => {
    if (res.status !== 201 && res.status !== 200) return c.notApplicable(`the push was refused with HTTP ${res.status} (judged by the check before)`);
    expectJsonMediaType(c, res);
  }, { soft: true });
  await ctx.check('request-uri-entropy-at-least-128-bits', (c) => {
    if (!requestUri) return c.notApplicable('no request_uri (judged by the check before)');
    // §2.2: the request_uri MUST hold a part infeasible to guess (RFC 6749 §10.10: 2^-128); the URN prefix is no part of it.
    const random = requestUri.startsWith(requestUriUrnPrefix) ? requestUri.slice(requestUriUrnPrefix.length) : requestUri;
    const bound = entropyUpperBound(random);
    c.expect(bound.bits, `bits the request_uri ${requestUri} can hold: ${describeBound(bound)}`).toBeGreaterThanOrEqual(128);
  }, { soft: true });
  await ctx.check('request-uri-unique-per-push', async (c) => {
    if (!requestUri) return c.notApplicable('no request_uri (judged by the check before)');
    const again = await push(ctx, ctx.state.client, codeRequest(ctx.target, ctx.state.client, { scope: ctx.state.request.scope }).params);
    c.expectStatus(again, 201);
    c.expect(again.json?.request_uri !== requestUri, `a second push's request_uri (${again.json?.request_uri}) differs from the first`).toBe(true);
  }, { soft: true });
  await ctx.check('expires-in-positive-integer', (c) => {
    const expiresIn = res.json?.expires_in;
    if (expiresIn === undefined) return c.notApplicable('no expires_in (judged by the check before)');
    c.expect(Number.isInteger(expiresIn) && expiresIn > 0, `expires_in ${JSON.stringify(expiresIn)} is a positive integer`).toBe(true);
  }, { soft: true });
}

/** Longest this suite waits for a request_uri to expire (options.requestUriMaxWaitSeconds overrides, up to 120). */
const defaultRequestUriMaxWaitSeconds = 15;

const authorizeCheckDeclarations = {
  'expired-request-uri-refused': { name: 'an expired request_uri is refused', spec: 'RFC 9126 §4' },
  'unknown-request-uri-refused': { name: 'an unknown request_uri is refused', spec: 'RFC 9126 §4, RFC 9101 §6.2' },
  'request-uri-without-client-id-refused': { name: 'a request_uri sent without client_id is refused', spec: 'RFC 9126 §4' },
  'request-uri-beside-other-redirect-uri-not-redirected-there': { name: 'a redirect_uri sent beside a request_uri is not redirected to', spec: 'RFC 9126 §4, RFC 9101 §5, RFC 6749 §3.1.2.4' },
} as const;

async function authorizeChecks(ctx: FlowContext<State>): Promise<void> {
  const { client, request } = ctx.state;
  const user = ctx.target.user('user');
  await ctx.check('expired-request-uri-refused', async (c) => {
    const expiring = ctx.state.expiring;
    if (!expiring?.requestUri) return c.notApplicable('the second push (made on "Requests Request Token") got no request_uri');
    const configured = ctx.target.options.requestUriMaxWaitSeconds;
    const maxWait = typeof configured === 'number' && configured >= 0 ? Math.min(configured, 120) : defaultRequestUriMaxWaitSeconds;
    if (typeof expiring.expiresIn !== 'number') return c.notApplicable('the push stated no expires_in');
    if (expiring.expiresIn > maxWait) return c.notApplicable(`the request_uri lives ${expiring.expiresIn} s, longer than this run waits for it (options.requestUriMaxWaitSeconds: ${maxWait})`);
    // Past expires_in, with a second's margin for servers that count whole seconds.
    const expiredAt = expiring.pushedAt + expiring.expiresIn * 1000 + 1_000;
    if (expiredAt > Date.now()) await ctx.wait(expiredAt - Date.now());
    // §4: "An expired request_uri MUST be rejected as invalid."
    return expectNoCode(c, await ctx.browser.authorize(authorizationUrl(ctx.target, client.client_id, expiring.requestUri), { user, consent: 'approve' }));
  }, { soft: true });
  await ctx.check('unknown-request-uri-refused', async (c) => {
    return expectNoCode(c, await ctx.browser.authorize(authorizationUrl(ctx.target, client.client_id, `${requestUriUrnPrefix}nauthera-unknown-${randomValue(16)}`), { user }));
  }, { soft: true });
  await ctx.check('request-uri-without-client-id-refused', async (c) => {
    const own = await push(ctx, client, codeRequest(ctx.target, client, { scope: request.scope }).params);
    c.expectStatus(own, 201);
    // §4: client_id is REQUIRED beside request_uri.
    const url = withQuery(ctx.target.endpoint('authorization_endpoint'), { request_uri: own.json.request_uri });
    return expectNoCode(c, await ctx.browser.authorize(url, { user }));
  }, { soft: true });
  await ctx.check('request-uri-beside-other-redirect-uri-not-redirected-there', async (c) => {
    const own = await push(ctx, client, codeRequest(ctx.target, client, { scope: request.scope }).params);
    c.expectStatus(own, 201);
    const evil = 'https://attacker.nauthera.invalid/callback';
    const url = withQuery(ctx.target.endpoint('authorization_endpoint'), { client_id: client.client_id, request_uri: own.json.request_uri, redirect_uri: evil });
    c.expectNoRedirect(await ctx.browser.authorize(url, { user, consent: 'approve', redirectUris: [evil] }), evil);
  }, { soft: true });
}

export default defineFlow<State>({
  id: 'pushed-authorization',
  title: 'Pushed Authorization Request (RFC 9126)',
  diagram: 'diagrams/pushed-authorization.mmd',
  needs: { users: ['user'], login: true, endpoints: ['pushed_authorization_request_endpoint', 'authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable: (target) => (clientOf(target) ? true : { reason: 'the target has no client with role "par" or "confidential"' }),
  state: () => ({}) as State,
  steps: [
    step('User', 'Client', 'Requests to access resources', (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      const scope = scopeFor(ctx.target, client, ['openid', ...(ctx.target.resourceServer ? [resourceScope(ctx.target)] : [])]);
      ctx.state.request = codeRequest(ctx.target, client, { scope });
    }, { key: 'start' }),

    step('Client', 'AS', 'Requests Request Token', async (ctx) => {
      const { client, request } = ctx.state;
      ctx.state.pushedAt = Date.now();
      ctx.state.push = await push(ctx, client, request.params);
      // A second request, left to expire while the flow goes on (judged on "Grants Authorization using Request Token").
      const expiringAt = Date.now();
      const expiring = await push(ctx, client, codeRequest(ctx.target, client, { scope: request.scope }).params);
      ctx.state.expiring = { pushedAt: expiringAt, requestUri: typeof expiring.json?.request_uri === 'string' ? expiring.json.request_uri : undefined, expiresIn: expiring.json?.expires_in };
      await ctx.check('pushed-authorization-request-accepted', (c) => {
        c.expectStatus(ctx.state.push, 201);
      }, { soft: true });
      await ctx.check('request-uri-inside-pushed-request-refused', async (c) => {
        const nested = await push(ctx, client, { ...codeRequest(ctx.target, client, { scope: request.scope }).params, request_uri: 'urn:ietf:params:oauth:request_uri:nested' });
        // §2.3 leaves the code to the authorization errors: invalid_request, or request_uri_not_supported (OIDC Core §3.1.2.6).
        c.expectOAuthError(nested, ['invalid_request', 'request_uri_not_supported']);
      }, { soft: true });
      await ctx.check('pushed-request-unregistered-redirect-uri-refused', async (c) => {
        const evil = codeRequest(ctx.target, client, { scope: request.scope, redirectUri: 'https://attacker.nauthera.invalid/callback' });
        c.expectOAuthError(await push(ctx, client, evil.params), 'invalid_request');
      }, { soft: true });
      await ctx.check('pushed-request-bad-client-authentication-refused-invalid', async (c) => {
        if (!client.client_secret) c.notApplicable(`client ${client.client_id} authenticates with ${client.token_endpoint_auth_method}, not a secret`);
        const wrong = { ...client, client_secret: `${client.client_secret}-wrong` };
        c.expectOAuthError(await push(ctx, wrong, codeRequest(ctx.target, client, { scope: request.scope }).params), 'invalid_client');
      }, { soft: true });
      await pushChecks(ctx);
    }, {
      key: 'par',
      checks: {
        'pushed-authorization-request-accepted': { name: 'the pushed authorization request is accepted', spec: 'RFC 9126 §2.1-2.2' },
        'request-uri-inside-pushed-request-refused': { name: 'a request_uri inside a pushed request is refused', spec: 'RFC 9126 §2.1, §2.3' },
        'pushed-request-unregistered-redirect-uri-refused': { name: 'a pushed request with an unregistered redirect_uri is refused', spec: 'RFC 9126 §2.1, §2.3, RFC 6749 §3.1.2.4' },
        'pushed-request-bad-client-authentication-refused-invalid': { name: 'a pushed request with bad client authentication is refused with invalid_client', spec: 'RFC 9126 §2.1, RFC 6749 §5.2' },
        ...pushCheckDeclarations,
      },
    }),

    step('AS', 'Client', 'Provides Request Token', async (ctx) => {
      const res = ctx.state.push;
      // Go on with a request_uri that arrived, even with the wrong status: later arrows judge the rest.
      if (typeof res.json?.request_uri === 'string' && res.json.request_uri) ctx.state.requestUri = res.json.request_uri;
      await ctx.check('answer-201-request-uri-lifetime', (c) => {
        c.expectStatus(res, 201);
        const json = c.expectJson(res);
        c.expect(json.request_uri, 'request_uri').toBeNonEmptyString();
        c.expect(json.expires_in, 'expires_in').toBeNumber();
        c.expect(json.expires_in, 'expires_in').toBeGreaterThan(0);
      }, { soft: true });
      await ctx.check('request-uri-urn-par-namespace', (c) => {
        // "urn:ietf:params:oauth:request_uri:" + a reference is RECOMMENDED.
        c.expect(ctx.state.requestUri, 'request_uri').toMatch(/^urn:ietf:params:oauth:request_uri:/);
      }, { soft: true });
      await pushResponseChecks(ctx);
    }, {
      key: 'par-response',
      needs: { push: 'the pushed request' },
      checks: {
        'answer-201-request-uri-lifetime': { name: 'the answer is 201 with a request_uri and its lifetime', spec: 'RFC 9126 §2.2' },
        'request-uri-urn-par-namespace': { name: 'the request_uri is a URN of the PAR namespace', spec: 'RFC 9126 §2.2', severity: 'warning' },
        ...pushResponseCheckDeclarations,
      },
    }),

    step('Client', 'User', 'Redirects user to Authorization Server with Request Token', async (ctx) => {
      const { client, request, requestUri } = ctx.state;
      ctx.state.url = authorizationUrl(ctx.target, client.client_id, requestUri);
      const user = ctx.target.user('user');
      await ctx.check('request-uri-presented-another-client-refused', async (c) => {
        const other = otherCodeClient(ctx.target, client);
        if (!other) c.notApplicable('the target has no second client to present it');
        // A request_uri of its own: a refused attempt may legitimately burn it.
        const own = await push(ctx, client, codeRequest(ctx.target, client, { scope: request.scope }).params);
        c.expectStatus(own, 201);
        c.note('presented by', `${other!.client_id} (${other!.role}); pushed by ${client.client_id}`);
        // Consent approved if asked: only a refusal of the request_uri may stop it, not an unanswered consent page.
        return expectNoCode(c, await ctx.browser.authorize(authorizationUrl(ctx.target, other!.client_id, own.json.request_uri), { user, consent: 'approve' }));
      }, { soft: true });
      await ctx.check('client-must-use-par-cannot-send-plain', async (c) => {
        // Only a client registered with require_pushed_authorization_requests (RFC 9126 §6), or an AS
        // that requires PAR of every client (§5), must refuse a plain request; the role alone says nothing.
        if (!client.require_pushed_authorization_requests && !ctx.target.capabilities.requirePar) {
          c.notApplicable(`neither client ${client.client_id} (require_pushed_authorization_requests in the config) nor the metadata (require_pushed_authorization_requests) requires PAR`);
        }
        return expectNoCode(c, await ctx.browser.authorize(codeRequest(ctx.target, client, { scope: request.scope }).url, { user }));
      }, { soft: true });
    }, {
      key: 'authorize',
      needs: { requestUri: 'a request_uri' },
      checks: {
        'request-uri-presented-another-client-refused': { name: 'a request_uri presented by another client is refused', spec: 'RFC 9126 §2.2, §4' },
        'client-must-use-par-cannot-send-plain': { name: 'a client that must use PAR cannot send a plain authorization request', spec: 'RFC 9126 §6, §5' },
      },
    }),

    step('User', 'AS', 'Grants Authorization using Request Token', async (ctx) => {
      const { client, request } = ctx.state;
      // A client whose request_uri outlived its expires_in (by this run's clock) pushes again, as
      // any client would: a slow run is no server's fault. A lifetime shorter than the one stated
      // still shows, since the push is repeated only after the stated one.
      const lifetime = ctx.state.push.json?.expires_in;
      if (typeof lifetime === 'number' && ctx.state.pushedAt !== undefined && Date.now() > ctx.state.pushedAt + lifetime * 1000 - 2_000) {
        const again = await push(ctx, client, request.params);
        if (typeof again.json?.request_uri === 'string') {
          ctx.state.requestUri = again.json.request_uri;
          ctx.state.url = authorizationUrl(ctx.target, client.client_id, again.json.request_uri);
          ctx.note('pushed again', `the request_uri lives ${lifetime} s and ${Math.round((Date.now() - ctx.state.pushedAt) / 1000)} s have passed: the request was pushed again`);
        }
      }
      const { url } = ctx.state;
      const outcome = await ctx.browser.authorize(url, { user: ctx.target.user('user'), consent: 'approve' });
      ctx.state.outcome = outcome;
      await ctx.check('pushed-request-authorized-code-returned', (c) => {
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.code, 'code').toBeNonEmptyString();
        ctx.state.code = params.code;
      }, { soft: true });
      await ctx.check('state-pushed-request-echoed', (c) => {
        c.expect(c.expectRedirect(outcome).redirectUri, 'redirect URI (the pushed one)').toBe(request.redirectUri);
        expectSameState(c, c.expectRedirect(outcome).params, request.state);
      }, { soft: true });
      // RFC 9126 §4: the AS SHOULD treat a request_uri as one-time use (reloads MAY be tolerated).
      await ctx.check('used-request-uri-refused', async (c) => {
        return expectNoCode(c, await ctx.browser.authorize(url, { user: ctx.target.user('user') }));
      }, { soft: true });
      // After the main request_uri was used (it may live only seconds), each with a request_uri of its own.
      await authorizeChecks(ctx);
    }, {
      // The sign-in and four more trips of the browser to the authorization endpoint.
      key: 'sign-in', timeoutMs: 180_000,
      needs: { url: 'an authorization URL with a request_uri' },
      checks: {
        'pushed-request-authorized-code-returned': { name: 'the pushed request is authorized and a code returned', spec: 'RFC 9126 §4, RFC 6749 §4.1.2' },
        'state-pushed-request-echoed': { name: 'the state of the pushed request is echoed', spec: 'RFC 6749 §4.1.2, §10.12' },
        'used-request-uri-refused': { name: 'a used request_uri is refused', spec: 'RFC 9126 §4', severity: 'warning' },
        ...authorizeCheckDeclarations,
      },
    }),

    step('AS', 'Client', 'Provides Access Token', async (ctx) => {
      const { client, request, code } = ctx.state;
      const res = await exchangeCode(ctx, request, code);
      if (typeof res.json?.access_token === 'string') ctx.state.tokens = res.json;
      await ctx.check('code-pushed-request-exchanged-tokens', (c) => {
        expectTokenResponse(c, res);
        expectNoStore(c, res);
      }, { soft: true });
      if (typeof ctx.state.tokens?.id_token === 'string') await checkIdToken(ctx, ctx.state.tokens.id_token, { client, accessToken: ctx.state.tokens.access_token, code });
    }, {
      key: 'token',
      needs: { code: 'an authorization code' },
      checks: {
        ...idTokenChecks(),
        'code-pushed-request-exchanged-tokens': { name: 'the code of the pushed request is exchanged for tokens', spec: 'RFC 6749 §4.1.3, RFC 7636 §4.5' },
      },
    }),

    ...resourceSteps<State>('RFC 6750 §2.1'),
  ],
});
