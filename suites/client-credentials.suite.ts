/**
 * Client Credentials (RFC 6749 §4.4), diagrams/client-credentials.mmd: the client
 * authenticates with each method the target offers (client_secret_basic, client_secret_post,
 * private_key_jwt), bad authentication is refused with invalid_client (§5.2), and the token
 * response carries a Bearer access token and no refresh token (§4.4.3).
 */
import { defineFlow, step, randomValue, type CheckScope, type FlowContext, type FormParams, type HttpResponse, type Target, type TargetClient, type ClientRole } from '../harness/flow/index.ts';
import { assertionClaims, assertionForm, assertionSignedByAnotherKey, signedAssertion, unsignedAssertion, type AssertionClaims } from './lib/client-assertion.ts';
import { expectNoStore, expectTokenResponse, isJwt } from './lib/token-request.ts';
import { checkJwtAccessToken, jwtAccessTokenChecks } from './lib/jwt-access-token.ts';
import { expectErrorCharacters, expectJsonMediaType, isErrorResponse } from './lib/token-error-response.ts';
import { expectIntrospectionAnswer, hasMemberType, introspect, introspectionMemberTypes, isActive, revoke } from './lib/token-endpoints.ts';
import { decodeJwt } from 'jose';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { clientSecretGuessingCheck, guessingLimitCheckDeclarations } from './lib/guessing-limits.ts';

type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Each method with the harness role whose client uses it (harness/target/model.ts). */
const methods: Array<{ method: AuthMethod; role: ClientRole; spec: string }> = [
  { method: 'client_secret_basic', role: 'service', spec: 'RFC 6749 §2.3.1' },
  { method: 'client_secret_post', role: 'service-post', spec: 'RFC 6749 §2.3.1' },
  { method: 'private_key_jwt', role: 'service-jwt', spec: 'RFC 7523 §2.2, OIDC Core §9' },
];

const grantType = 'client_credentials';

/** The client that authenticates with `method` for client_credentials, or why there is none. */
function clientFor(target: Target, method: AuthMethod, role: ClientRole): TargetClient | { reason: string } {
  if (!target.capabilities.tokenEndpointAuthMethods.includes(method)) {
    return { reason: `token_endpoint_auth_methods_supported does not list ${method}` };
  }
  const byRole = target.findClient(role);
  const client = byRole?.token_endpoint_auth_method === method && byRole.grant_types.includes(grantType)
    ? byRole
    : target.clients.find((c) => c.token_endpoint_auth_method === method && c.grant_types.includes(grantType));
  if (!client) return { reason: `the target config has no client_credentials client using ${method} (role "${role}")` };
  if (method === 'private_key_jwt' && !client.private_jwk) return { reason: `client ${client.client_id} has no private_jwk to sign assertions with` };
  return client;
}

const isClient = (v: TargetClient | { reason: string }): v is TargetClient => 'client_id' in v;

/**
 * A client_secret_basic client_credentials client whose client_id or secret holds characters that
 * application/x-www-form-urlencoded encoding changes (RFC 6749 §2.3.1, Appendix B).
 */
function reservedCharacterClient(target: Target): TargetClient | undefined {
  const changes = (v: string | undefined) => v !== undefined && /[^A-Za-z0-9*\-._]/.test(v);
  return target.clients.find((c) => c.token_endpoint_auth_method === 'client_secret_basic' && c.grant_types.includes(grantType) && (changes(c.client_id) || changes(c.client_secret)));
}

/**
 * RFC 8707 is an extension the metadata does not advertise: the config says the AS implements it
 * (options.resourceIndicators) and names the resource (options.accessTokenAudience); the reference
 * implements it for its resource server.
 */
function resourceIndicatorOf(target: Target): string | undefined {
  if (target.kind === 'reference' && target.resourceServer) return new URL(target.resourceServer).origin;
  const audience = target.options.accessTokenAudience;
  return target.options.resourceIndicators === true && typeof audience === 'string' && audience ? audience : undefined;
}

function resourceIndicatorsNotApplicable(target: Target): string | undefined {
  return resourceIndicatorOf(target) ? undefined : 'the config does not say the AS implements resource indicators (options.resourceIndicators with options.accessTokenAudience)';
}

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  /** The token response each method got (only the methods that applied). */
  responses?: Partial<Record<AuthMethod, HttpResponse>>;
  /** Every error response of the token endpoint in this flow, for the checks of their form (RFC 6749 §5.2). */
  errors?: HttpResponse[];
}

/** The scope configured for a client, to send with its request (an AS may require one, RFC 6749 §3.3). */
function scopeOf(client: TargetClient | { reason: string }): { scope?: string } {
  return 'scope' in client && client.scope ? { scope: client.scope } : {};
}

function tokenEndpoint(ctx: FlowContext<State>): string {
  return ctx.target.endpoint('token_endpoint');
}

const memberKey = (member: string) => `introspection-${member.replace(/_/g, '-')}-type`;

/** RFC 7662 §2.1–2.3: introspection of an issued access token, by its client and by others. */
const introspectionChecks = {
  'introspection-requires-client-authentication': { name: 'introspection without client authentication tells nothing about the token', spec: 'RFC 7662 §2.1, §4' },
  'introspection-bad-credentials-401-invalid-client': { name: 'introspection with a wrong client secret is answered 401 invalid_client', spec: 'RFC 7662 §2.3, RFC 6749 §5.2' },
  'introspection-active-token-active-true': { name: 'an issued access token is introspected as active', spec: 'RFC 7662 §2.2' },
  'introspection-response-application-json': { name: 'the introspection response is application/json', spec: 'RFC 7662 §2.2' },
  ...Object.fromEntries(introspectionMemberTypes.map(({ member, type }) => [memberKey(member), { name: `the introspection answer's ${member} is a ${type}`, spec: 'RFC 7662 §2.2' }])),
  'introspection-client-id-token-client': { name: "the introspection answer's client_id is the client the token was issued to", spec: 'RFC 7662 §2.2' },
  'introspection-scope-granted-scope': { name: "the introspection answer's scope is the scope granted to the token", spec: 'RFC 7662 §2.2' },
  'introspection-exp-agrees-expires-in': { name: "the introspection answer's exp agrees with the token response's expires_in", spec: 'RFC 7662 §2.2, RFC 6749 §5.1' },
  'introspection-unknown-token-active-false': { name: 'an unknown token is introspected as active false', spec: 'RFC 7662 §2.2' },
  'introspection-wrong-hint-token-still-found': { name: 'introspection with a wrong token_type_hint still finds the access token', spec: 'RFC 7662 §2.1' },
  'revoked-token-introspected-active-false': { name: 'a revoked access token is introspected as active false', spec: 'RFC 7662 §2.2, RFC 7009 §2.1' },
} satisfies Record<string, { name: string; spec: string; severity?: 'warning' }>;

/** RFC 7009 §2.1–2.2: revocation of an issued access token, by its client and by others. */
const revocationChecks = {
  'revocation-unknown-token-answered-200': { name: 'revoking an unknown token is answered 200', spec: 'RFC 7009 §2.2' },
  'revocation-bad-credentials-invalid-client': { name: 'revocation with a wrong client secret is refused with 401 invalid_client', spec: 'RFC 7009 §2.2.1, RFC 6749 §5.2' },
  'revocation-without-client-authentication-not-revoked': { name: "a revocation request without the client's credentials does not revoke its token", spec: 'RFC 7009 §2.1' },
  'revocation-by-another-client-not-revoked': { name: "another client's revocation request does not revoke the token", spec: 'RFC 7009 §2.1' },
  'revocation-wrong-hint-token-still-revoked': { name: 'revocation with a wrong token_type_hint still revokes the access token', spec: 'RFC 7009 §2.1' },
  'revocation-unknown-hint-ignored': { name: 'revocation with an unknown token_type_hint still revokes the token', spec: 'RFC 7009 §2.2' },
} satisfies Record<string, { name: string; spec: string; severity?: 'warning' }>;

/**
 * The client whose tokens introspection and revocation are tried on: the opaque client when it
 * may use client_credentials (some ASs introspect and revoke only opaque tokens), else a service
 * client with a secret.
 */
function subjectClient(target: Target): TargetClient | undefined {
  const secret = (c: TargetClient | undefined) => (c && c.client_secret && ['client_secret_basic', 'client_secret_post'].includes(c.token_endpoint_auth_method) && c.grant_types.includes(grantType) ? c : undefined);
  return secret(target.findClient('opaque')) ?? secret(target.findClient('service')) ?? secret(target.findClient('service-post'));
}

async function introspectionAndRevocation(ctx: FlowContext<State>): Promise<void> {
  const subject = subjectClient(ctx.target);
  const canIntrospect = ctx.target.capabilities.introspection;
  const canRevoke = ctx.target.capabilities.revocation;
  const other = subject && ctx.target.clients.find((c) => c.client_id !== subject.client_id && c.client_secret && ['client_secret_basic', 'client_secret_post'].includes(c.token_endpoint_auth_method));
  const noSubject = 'the config has no opaque, service or service-post client with a secret that may use client_credentials';
  const noIntrospection = 'the discovery metadata has no introspection_endpoint';
  const noRevocation = 'the discovery metadata has no revocation_endpoint';
  const scope = subject ? scopeFor(ctx.target, subject, [resourceScope(ctx.target)]) : '';

  /** A fresh access token of the subject client, for a check of its own. */
  const fresh = async (c: CheckScope): Promise<{ token: string; res: HttpResponse }> => {
    const res = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: grantType, scope: scope || undefined }, { client: subject! });
    if (res.status !== 200 || typeof res.json?.access_token !== 'string') c.notApplicable(`client ${subject!.client_id} got no access token to test with (HTTP ${res.status})`);
    return { token: res.json.access_token as string, res };
  };
  const wrongSecret = (client: TargetClient) => ({ basic: { username: client.client_id, password: `${client.client_secret ?? ''}-wrong` } });
  const needs = (c: CheckScope, what: { introspection?: boolean; revocation?: boolean; other?: boolean }) => {
    if (!subject) c.notApplicable(noSubject);
    if (what.introspection && !canIntrospect) c.notApplicable(noIntrospection);
    if (what.revocation && !canRevoke) c.notApplicable(noRevocation);
    if (what.other && !other) c.notApplicable('the config has no second client with a secret');
  };

  // --- introspection
  let answer: HttpResponse | undefined;
  let issued: HttpResponse | undefined;
  await ctx.check('introspection-active-token-active-true', async (c) => {
    needs(c, { introspection: true });
    const { token, res } = await fresh(c);
    issued = res;
    answer = await introspect(ctx, token, subject);
    const json = expectIntrospectionAnswer(c, answer);
    c.expect(json.active, 'active').toBe(true);
  }, { soft: true });
  const withAnswer = (c: CheckScope): Record<string, any> => {
    if (!canIntrospect) c.notApplicable(noIntrospection);
    if (!subject) c.notApplicable(noSubject);
    if (!answer || answer.json?.active !== true) c.notApplicable('no active introspection answer (judged by the check before)');
    c.evidence(answer);
    return answer!.json;
  };
  await ctx.check('introspection-response-application-json', (c) => {
    withAnswer(c);
    c.expect((answer!.header('content-type') ?? '(none)').split(';')[0]!.trim().toLowerCase(), 'Content-Type').toBe('application/json');
  }, { soft: true });
  for (const { member, type } of introspectionMemberTypes) {
    await ctx.check(memberKey(member), (c) => {
      const json = withAnswer(c);
      if (json[member] === undefined) return c.notApplicable(`the introspection answer has no ${member} (OPTIONAL)`);
      if (!hasMemberType(json[member], type)) c.fail(`${member}: expected a ${type}, got ${JSON.stringify(json[member])}`);
      return `${member} is ${JSON.stringify(json[member])}`;
    }, { soft: true });
  }
  await ctx.check('introspection-client-id-token-client', (c) => {
    const json = withAnswer(c);
    if (json.client_id === undefined) return c.notApplicable('the introspection answer has no client_id (OPTIONAL)');
    c.expect(json.client_id, 'client_id').toBe(subject!.client_id);
  }, { soft: true });
  await ctx.check('introspection-scope-granted-scope', (c) => {
    const json = withAnswer(c);
    if (typeof json.scope !== 'string') return c.notApplicable('the introspection answer has no scope string (OPTIONAL)');
    const granted = String(issued?.json?.scope ?? scope);
    if (!granted) return c.notApplicable('neither the request nor the token response named a scope');
    const sorted = (v: string) => v.split(' ').filter(Boolean).sort().join(' ');
    c.expect(sorted(json.scope), 'scope (sorted)').toBe(sorted(granted));
  }, { soft: true });
  await ctx.check('introspection-exp-agrees-expires-in', (c) => {
    const json = withAnswer(c);
    if (typeof json.exp !== 'number') return c.notApplicable('the introspection answer has no numeric exp (OPTIONAL)');
    const expiresIn = issued?.json?.expires_in;
    if (typeof expiresIn !== 'number') return c.notApplicable('the token response has no expires_in (RECOMMENDED only)');
    const stated = Math.floor(Date.now() / 1000) + expiresIn;
    if (Math.abs(json.exp - stated) > 60) c.fail(`expires_in ${expiresIn} says the token expires near ${stated}, introspection says exp ${json.exp}`);
    return `exp ${json.exp} agrees with expires_in ${expiresIn}`;
  }, { soft: true });
  await ctx.check('introspection-requires-client-authentication', async (c) => {
    needs(c, { introspection: true });
    const { token } = await fresh(c);
    const res = await introspect(ctx, token, undefined);
    c.evidence(res);
    // RFC 7662 §2.1: the endpoint MUST require authorization; a refusal or active false are both silent.
    if (isActive(res)) c.fail(`an unauthenticated caller was told the token is active (HTTP ${res.status}, members ${Object.keys(res.json).join(', ')})`);
    return res.status === 200 ? 'answered active false' : `refused with HTTP ${res.status}`;
  }, { soft: true });
  await ctx.check('introspection-bad-credentials-401-invalid-client', async (c) => {
    needs(c, { introspection: true });
    const { token } = await fresh(c);
    c.expectOAuthError(await ctx.http.postForm(ctx.target.endpoint('introspection_endpoint'), { token }, wrongSecret(subject!)), 'invalid_client', { status: 401 });
  }, { soft: true });
  await ctx.check('introspection-unknown-token-active-false', async (c) => {
    needs(c, { introspection: true });
    const res = await introspect(ctx, `nauthera-unknown-${randomValue(24)}`, subject);
    const json = expectIntrospectionAnswer(c, res);
    c.expect(json.active, 'active').toBe(false);
    // §2.2: SHOULD NOT include any other information about an inactive token.
    c.should(Object.keys(json).every((k) => k === 'active'), `the answer for an inactive token has more than active: ${Object.keys(json).join(', ')}`);
  }, { soft: true });
  await ctx.check('introspection-wrong-hint-token-still-found', async (c) => {
    needs(c, { introspection: true });
    const { token } = await fresh(c);
    const json = expectIntrospectionAnswer(c, await introspect(ctx, token, subject, 'refresh_token'));
    c.expect(json.active, 'active (access token sent with token_type_hint refresh_token)').toBe(true);
  }, { soft: true });

  // --- revocation
  const stillActive = async (c: CheckScope, token: string, what: string) => {
    const after = await introspect(ctx, token, subject);
    c.evidence(after);
    if (!isActive(after)) c.fail(`${what}, and the token is no longer active at introspection (HTTP ${after.status}, active ${JSON.stringify(after.json?.active)})`);
    c.pass('the token is still active at introspection');
  };
  const revokedNow = async (c: CheckScope, token: string, what: string) => {
    const after = await introspect(ctx, token, subject);
    c.evidence(after);
    if (isActive(after)) c.fail(`${what}, but the token is still active at introspection`);
    c.pass('the token is no longer active at introspection');
  };
  await ctx.check('revoked-token-introspected-active-false', async (c) => {
    needs(c, { introspection: true, revocation: true });
    const { token } = await fresh(c);
    // Asked once before, so that an answer kept from then is caught too.
    c.expect(expectIntrospectionAnswer(c, await introspect(ctx, token, subject)).active, 'active before revocation').toBe(true);
    c.expectStatus(await revoke(ctx, token, subject, 'access_token'), 200);
    const json = expectIntrospectionAnswer(c, await introspect(ctx, token, subject));
    c.expect(json.active, 'active after revocation').toBe(false);
  }, { soft: true });
  await ctx.check('revocation-unknown-token-answered-200', async (c) => {
    needs(c, { revocation: true });
    c.expectStatus(await revoke(ctx, `nauthera-unknown-${randomValue(24)}`, subject, 'access_token'), 200);
  }, { soft: true });
  await ctx.check('revocation-bad-credentials-invalid-client', async (c) => {
    needs(c, { revocation: true });
    const { token } = await fresh(c);
    c.expectOAuthError(await ctx.http.postForm(ctx.target.endpoint('revocation_endpoint'), { token }, wrongSecret(subject!)), 'invalid_client', { status: 401 });
  }, { soft: true });
  await ctx.check('revocation-without-client-authentication-not-revoked', async (c) => {
    needs(c, { introspection: true, revocation: true });
    const { token } = await fresh(c);
    const res = await ctx.http.postForm(ctx.target.endpoint('revocation_endpoint'), { token, client_id: subject!.client_id });
    c.evidence(res);
    await stillActive(c, token, `a request naming client ${subject!.client_id} without its secret got HTTP ${res.status}`);
  }, { soft: true });
  await ctx.check('revocation-by-another-client-not-revoked', async (c) => {
    needs(c, { introspection: true, revocation: true, other: true });
    const { token } = await fresh(c);
    const res = await revoke(ctx, token, other!);
    c.evidence(res);
    await stillActive(c, token, `client ${other!.client_id} asked to revoke it (HTTP ${res.status})`);
  }, { soft: true });
  await ctx.check('revocation-wrong-hint-token-still-revoked', async (c) => {
    needs(c, { introspection: true, revocation: true });
    const { token } = await fresh(c);
    c.expectStatus(await revoke(ctx, token, subject, 'refresh_token'), 200);
    await revokedNow(c, token, 'the access token was revoked with token_type_hint refresh_token (HTTP 200)');
  }, { soft: true });
  await ctx.check('revocation-unknown-hint-ignored', async (c) => {
    needs(c, { introspection: true, revocation: true });
    const { token } = await fresh(c);
    c.expectStatus(await revoke(ctx, token, subject, 'nauthera_unknown_hint'), 200);
    await revokedNow(c, token, 'the access token was revoked with token_type_hint nauthera_unknown_hint (HTTP 200)');
  }, { soft: true });
}

export default defineFlow<State>({
  id: 'client-credentials',
  title: 'Client Credentials',
  diagram: 'diagrams/client-credentials.mmd',
  needs: { grantTypes: [grantType], endpoints: ['token_endpoint'] },
  applicable: (target) => {
    const found = methods.map(({ method, role }) => clientFor(target, method, role));
    if (found.some(isClient)) return true;
    return { reason: `no client authentication method can be tested: ${found.map((f) => (f as { reason: string }).reason).join('; ')}` };
  },
  state: () => ({ responses: {} }),
  steps: [
    step('Client Application', 'Authorization Server', 'Authenticate', async (ctx) => {
      const token = tokenEndpoint(ctx);
      const form = { grant_type: grantType };

      for (const { method, role, spec } of methods) {
        await ctx.check(`authenticates-${method.replace(/_/g, '-')}`, async (c) => {
          const client = clientFor(ctx.target, method, role);
          if (!isClient(client)) return c.notApplicable(client.reason);
          // The scope configured for the client: an AS may refuse a request with none (RFC 6749 §3.3).
          const res = await ctx.http.postForm(token, { ...form, ...(client.scope ? { scope: client.scope } : {}) }, { client });
          (ctx.state.responses ??= {})[method] = res;
          if (!client.scope && res.status === 400 && res.json?.error === 'invalid_scope') {
            c.evidence(res);
            return `client ${client.client_id} authenticated with ${method}; the AS asks for a scope (invalid_scope), which the config does not name for this client (clients[].scope)`;
          }
          c.expectStatus(res, 200);
          c.pass(`client ${client.client_id} authenticated with ${method}`);
        }, { soft: true });
      }

      const basic = clientFor(ctx.target, 'client_secret_basic', 'service');
      const post_ = clientFor(ctx.target, 'client_secret_post', 'service-post');
      const jwt = clientFor(ctx.target, 'private_key_jwt', 'service-jwt');

      // RFC 6749 §5.2: a client that used the Authorization header gets 401 and WWW-Authenticate.
      await ctx.check('wrong-client-secret-client-secret-basic-refused', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        const res = await ctx.http.postForm(token, form, { basic: { username: basic.client_id, password: `${basic.client_secret ?? ''}-wrong` } });
        c.expectOAuthError(res, 'invalid_client', { status: 401 });
        c.expect(res.header('www-authenticate'), 'WWW-Authenticate').toMatch(/^\s*basic\b/i);
      }, { soft: true });
      await ctx.check('wrong-client-secret-client-secret-post-refused', async (c) => {
        if (!isClient(post_)) return c.notApplicable(post_.reason);
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, client_id: post_.client_id, client_secret: `${post_.client_secret ?? ''}-wrong` }), 'invalid_client');
      }, { soft: true });
      await ctx.check('unknown-client-refused-invalid-client', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        const res = await ctx.http.postForm(token, form, { basic: { username: `nauthera-unknown-${randomValue(6)}`, password: randomValue() } });
        c.expectOAuthError(res, 'invalid_client', { status: 401 });
      }, { soft: true });

      // RFC 7523 §3: the server MUST reject an assertion whose signature does not verify
      // (item 9) or whose aud is not the server (item 3).
      await ctx.check('client-assertion-signed-key-client-did-not', async (c) => {
        if (!isClient(jwt)) return c.notApplicable(jwt.reason);
        const assertion = await assertionSignedByAnotherKey(jwt, assertionClaims(jwt, token));
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, ...scopeOf(jwt), ...assertionForm(jwt, assertion) }), 'invalid_client');
      }, { soft: true });
      await ctx.check('client-assertion-another-audience-refused-invalid-client', async (c) => {
        if (!isClient(jwt)) return c.notApplicable(jwt.reason);
        const assertion = await signedAssertion(jwt, assertionClaims(jwt, token, { aud: 'https://elsewhere.nauthera.test/token' }));
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, ...scopeOf(jwt), ...assertionForm(jwt, assertion) }), 'invalid_client');
      }, { soft: true });
      await ctx.check('client-assertion-signed-alg-none-refused', async (c) => {
        if (!isClient(jwt)) return c.notApplicable(jwt.reason);
        const assertion = unsignedAssertion(assertionClaims(jwt, token));
        c.note('client_assertion header', '{"alg":"none","typ":"JWT"}');
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, ...scopeOf(jwt), ...assertionForm(jwt, assertion) }), 'invalid_client');
      }, { soft: true });
      // OIDC Core §9: a jti MUST only be used once; RFC 7523 §3 lets the server enforce it (MAY), hence a warning.
      await ctx.check('replayed-client-assertion-same-jti-refused', async (c) => {
        if (!isClient(jwt)) return c.notApplicable(jwt.reason);
        const assertion = await signedAssertion(jwt, assertionClaims(jwt, token));
        const first = await ctx.http.postForm(token, { ...form, ...scopeOf(jwt), ...assertionForm(jwt, assertion) });
        c.expectStatus(first, 200);
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, ...scopeOf(jwt), ...assertionForm(jwt, assertion) }), 'invalid_client');
      });

      const errors: HttpResponse[] = (ctx.state.errors ??= []);
      /** A request to the token endpoint whose error response (if any) the form checks below judge too. */
      const post = async (body: FormParams, options: Parameters<typeof ctx.http.postForm>[2] = {}): Promise<HttpResponse> => {
        const res = await ctx.http.postForm(token, body, options);
        if (isErrorResponse(res)) errors.push(res);
        return res;
      };
      const record = (res: HttpResponse): HttpResponse => {
        if (isErrorResponse(res)) errors.push(res);
        return res;
      };

      // RFC 7523 §3, one numbered rule each; §3.2 (and RFC 7521 §4.2.1): the error is invalid_client.
      const assertionRule = async (key: string, claims: (base: AssertionClaims) => Partial<AssertionClaims>, options: { withClientId?: boolean; errors?: string[] } = {}) => {
        await ctx.check(key, async (c) => {
          if (!isClient(jwt)) return c.notApplicable(jwt.reason);
          const base = assertionClaims(jwt, token);
          const assertion = await signedAssertion(jwt, { ...base, ...claims(base) } as AssertionClaims);
          c.note('client_assertion claims', JSON.stringify(decodeJwt(assertion), null, 2));
          const presented = assertionForm(jwt, assertion);
          if (options.withClientId === false) delete presented.client_id;
          c.expectOAuthError(await post({ ...form, ...scopeOf(jwt), ...presented }), options.errors ?? 'invalid_client');
        }, { soft: true });
      };
      const now = () => Math.floor(Date.now() / 1000);
      await assertionRule('client-assertion-iss-not-client-id-refused', () => ({ iss: `nauthera-other-issuer-${randomValue(4)}` }));
      // No client_id parameter: the assertion's sub alone names the client (RFC 7523 §2.2, §3 item 2).
      await assertionRule('client-assertion-sub-not-client-id-refused', () => ({ sub: `nauthera-other-subject-${randomValue(4)}` }), { withClientId: false });
      await assertionRule('client-assertion-without-aud-refused', () => ({ aud: undefined }));
      await assertionRule('client-assertion-without-exp-refused', () => ({ exp: undefined }));
      await assertionRule('client-assertion-expired-refused', () => ({ iat: now() - 600, exp: now() - 300 }));
      await assertionRule('client-assertion-before-nbf-refused', () => ({ nbf: now() + 600, exp: now() + 900 }) as Partial<AssertionClaims>);
      // OIDC Core §9 makes jti REQUIRED; RFC 7523 §3 leaves replay protection to the server (MAY): a warning.
      await assertionRule('client-assertion-without-jti-refused', () => ({ jti: undefined }));
      await ctx.check('client-assertion-not-jwt-refused', async (c) => {
        if (!isClient(jwt)) return c.notApplicable(jwt.reason);
        // RFC 7523 §3 item 10: a JWT not valid in every respect is refused; a value that is no JWT at all is
        // also a malformed request (RFC 6749 §5.2 invalid_request).
        c.expectOAuthError(await post({ ...form, ...scopeOf(jwt), ...assertionForm(jwt, `not-a-jwt-${randomValue(8)}`) }), ['invalid_client', 'invalid_request']);
      }, { soft: true });

      // RFC 6749 §2.3.1: client_id and secret are form-urlencoded, then joined by ":" and base64-encoded.
      await ctx.check('basic-credentials-form-urlencoded-accepted', async (c) => {
        const reserved = reservedCharacterClient(ctx.target);
        if (!reserved) return c.notApplicable('the config has no client_secret_basic client_credentials client whose client_id or secret holds characters form-urlencoding changes (a second "service" client, see the README)');
        const res = await post({ ...form, ...scopeOf(reserved) }, { client: reserved });
        c.expectStatus(res, 200);
        c.pass(`client ${JSON.stringify(reserved.client_id)} authenticated with its id and secret form-urlencoded in Basic`);
      }, { soft: true });
      await ctx.check('unknown-client-basic-answered-www-authenticate', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        const res = await post(form, { basic: { username: `nauthera-unknown-${randomValue(6)}`, password: randomValue() } });
        c.expectOAuthError(res, 'invalid_client', { status: 401 });
        c.expect(res.header('www-authenticate') ?? '(none)', 'WWW-Authenticate').toMatch(/^\s*basic\b/i);
      }, { soft: true });
      // RFC 6749 §3.2.1: confidential clients MUST authenticate at the token endpoint; naming itself is not enough.
      await ctx.check('confidential-client-without-credentials-refused', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        c.expectOAuthError(await post({ ...form, ...scopeOf(basic), client_id: basic.client_id }), 'invalid_client');
      }, { soft: true });
      // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request." The MUST
      // binds the client; an AS that still answers breaks no sentence, hence a warning.
      await ctx.check('two-authentication-methods-refused', async (c) => {
        const secretClient = isClient(post_) ? post_ : isClient(basic) ? basic : undefined;
        if (!secretClient) return c.notApplicable('the target config has no client_secret_basic or client_secret_post client_credentials client');
        const res = await post({ ...form, ...scopeOf(secretClient), client_id: secretClient.client_id, client_secret: secretClient.client_secret },
          { basic: { username: secretClient.client_id, password: secretClient.client_secret ?? '' } });
        c.expectOAuthError(res, ['invalid_request', 'invalid_client']);
      }, { soft: true });

      // RFC 6749 §5.2, one error code each.
      // invalid_request names a missing parameter; unsupported_grant_type (no grant type this AS supports) fits too.
      await ctx.check('missing-grant-type-refused', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        c.expectOAuthError(await post({ ...scopeOf(basic) }, { client: basic }), ['invalid_request', 'unsupported_grant_type']);
      }, { soft: true });
      await ctx.check('unknown-grant-type-unsupported-grant-type', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        c.expectOAuthError(await post({ grant_type: 'urn:nauthera:test:no-such-grant', ...scopeOf(basic) }, { client: basic }), 'unsupported_grant_type');
      }, { soft: true });
      await ctx.check('grant-not-allowed-unauthorized-client', async (c) => {
        const other = ctx.target.clients.find((cl) => ['client_secret_basic', 'client_secret_post'].includes(cl.token_endpoint_auth_method) && cl.client_secret && !cl.grant_types.includes(grantType));
        if (!other) return c.notApplicable('the config has no client with a secret that may not use client_credentials');
        c.expectOAuthError(await post(form, { client: other }), 'unauthorized_client');
      }, { soft: true });
      // §3.3: the AS may also ignore a scope it does not know, but then MUST say which scope it granted.
      await ctx.check('unknown-scope-refused-invalid-scope-or-left-out', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        const unknown = `nauthera-unknown-scope-${randomValue(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
        // With a scope the client may have, so that leaving the unknown one out makes the granted scope differ.
        const known = scopeFor(ctx.target, basic, [resourceScope(ctx.target)]);
        const res = await post({ ...form, scope: [known, unknown].filter(Boolean).join(' ') }, { client: basic });
        if (res.status === 200) {
          c.evidence(res);
          if (typeof res.json?.scope !== 'string') c.fail(`the AS issued a token for scope "${unknown}" without a scope member saying what it granted (RFC 6749 §3.3, §5.1)`);
          c.expect(res.json.scope.split(' '), 'granted scope').not.toContain(unknown);
          return `the unknown scope was left out: granted "${res.json.scope}"`;
        }
        c.expectOAuthError(res, 'invalid_scope');
      }, { soft: true });
      await ctx.check('repeated-parameter-invalid-request', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        // §3.2: request parameters MUST NOT be included more than once (a rule of the sender); §5.2 names
        // invalid_request for a repeated one. An AS that answers anyway breaks no sentence: a warning.
        const body = `grant_type=${grantType}&grant_type=${grantType}${basic.scope ? `&scope=${encodeURIComponent(basic.scope)}` : ''}`;
        const res = record(await ctx.http.request('POST', token, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, basic: { username: basic.client_id, password: basic.client_secret ?? '' } }));
        c.expectOAuthError(res, 'invalid_request');
      }, { soft: true });
      // RFC 8707 §2: a resource the AS does not know is refused with invalid_target.
      await ctx.check('unknown-resource-refused-invalid-target', async (c) => {
        const na = resourceIndicatorsNotApplicable(ctx.target);
        if (na) return c.notApplicable(na);
        const client = isClient(basic) ? basic : isClient(post_) ? post_ : undefined;
        if (!client) return c.notApplicable('no client_secret client_credentials client');
        c.expectOAuthError(await post({ ...form, ...scopeOf(client), resource: `https://unknown-${randomValue(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}.nauthera.test/api` }, { client }), 'invalid_target');
      }, { soft: true, severity: 'warning' });

      await ctx.check('error-responses-application-json', (c) => {
        if (errors.length === 0) return c.notApplicable('no error response was received');
        expectJsonMediaType(c, errors);
      }, { soft: true });
      await ctx.check('error-codes-allowed-characters', (c) => {
        if (errors.length === 0) return c.notApplicable('no error response was received');
        expectErrorCharacters(c, errors);
      }, { soft: true });
      await clientSecretGuessingCheck(ctx, token, form);
    }, {
      key: 'authenticate',
      checks: {
        ...guessingLimitCheckDeclarations.clientSecret,
        ...Object.fromEntries(methods.map(({ method, spec }) => [`authenticates-${method.replace(/_/g, '-')}`, { name: `client authenticates with ${method}`, spec }])),
        'wrong-client-secret-client-secret-basic-refused': { name: 'a wrong client secret (client_secret_basic) is refused with 401 invalid_client', spec: 'RFC 6749 §5.2' },
        'wrong-client-secret-client-secret-post-refused': { name: 'a wrong client secret (client_secret_post) is refused with invalid_client', spec: 'RFC 6749 §5.2' },
        'unknown-client-refused-invalid-client': { name: 'an unknown client is refused with invalid_client', spec: 'RFC 6749 §5.2' },
        'client-assertion-signed-key-client-did-not': { name: 'a client assertion signed by a key the client did not register is refused with invalid_client', spec: 'RFC 7523 §3' },
        'client-assertion-another-audience-refused-invalid-client': { name: 'a client assertion for another audience is refused with invalid_client', spec: 'RFC 7523 §3' },
        'client-assertion-signed-alg-none-refused': { name: 'client assertion signed with alg none is refused', spec: 'RFC 7523 §3, RFC 8725 §3.1' },
        'replayed-client-assertion-same-jti-refused': { name: 'a replayed client assertion (same jti) is refused', spec: 'OIDC Core §9, RFC 7523 §3', severity: 'warning' },
        'client-assertion-iss-not-client-id-refused': { name: 'a client assertion whose iss is not the client_id is refused with invalid_client', spec: 'RFC 7523 §3 item 1, §3.2' },
        'client-assertion-sub-not-client-id-refused': { name: 'a client assertion whose sub is not the client_id is refused with invalid_client', spec: 'RFC 7523 §3 item 2, §3.2' },
        'client-assertion-without-aud-refused': { name: 'a client assertion without aud is refused with invalid_client', spec: 'RFC 7523 §3 item 3, §3.2' },
        'client-assertion-without-exp-refused': { name: 'a client assertion without exp is refused with invalid_client', spec: 'RFC 7523 §3 item 4, §3.2' },
        'client-assertion-expired-refused': { name: 'an expired client assertion is refused with invalid_client', spec: 'RFC 7523 §3 item 4, §3.2' },
        'client-assertion-before-nbf-refused': { name: 'a client assertion used before its nbf is refused with invalid_client', spec: 'RFC 7523 §3 item 5, §3.2' },
        'client-assertion-without-jti-refused': { name: 'a client assertion without jti is refused with invalid_client', spec: 'OIDC Core §9, RFC 7523 §3 item 7', severity: 'warning' },
        'client-assertion-not-jwt-refused': { name: 'a client assertion that is not a JWT is refused', spec: 'RFC 7523 §3 item 10, RFC 6749 §5.2' },
        'basic-credentials-form-urlencoded-accepted': { name: 'Basic credentials with reserved characters, form-urlencoded, authenticate the client', spec: 'RFC 6749 §2.3.1' },
        'unknown-client-basic-answered-www-authenticate': { name: 'an unknown client using Basic gets 401 invalid_client with a Basic WWW-Authenticate challenge', spec: 'RFC 6749 §5.2' },
        'confidential-client-without-credentials-refused': { name: 'a confidential client sending only its client_id is refused with invalid_client', spec: 'RFC 6749 §3.2.1, §5.2' },
        'two-authentication-methods-refused': { name: 'a request using two client authentication methods is refused', spec: 'RFC 6749 §2.3, §5.2', severity: 'warning' },
        'missing-grant-type-refused': { name: 'a token request without grant_type is refused with invalid_request or unsupported_grant_type', spec: 'RFC 6749 §5.2' },
        'unknown-grant-type-unsupported-grant-type': { name: 'an unknown grant_type is refused with unsupported_grant_type', spec: 'RFC 6749 §5.2' },
        'grant-not-allowed-unauthorized-client': { name: 'a client not allowed client_credentials is refused with unauthorized_client', spec: 'RFC 6749 §5.2, §4.4.2' },
        'unknown-scope-refused-invalid-scope-or-left-out': { name: 'an unknown scope is refused with invalid_scope or left out of the granted scope', spec: 'RFC 6749 §3.3, §5.2' },
        'repeated-parameter-invalid-request': { name: 'a repeated request parameter is refused with invalid_request', spec: 'RFC 6749 §3.2, §5.2', severity: 'warning' },
        'unknown-resource-refused-invalid-target': { name: 'an unknown resource indicator is refused with invalid_target', spec: 'RFC 8707 §2', severity: 'warning' },
        'error-responses-application-json': { name: 'token endpoint error responses are application/json', spec: 'RFC 6749 §5.2' },
        'error-codes-allowed-characters': { name: 'error and error_description use only the characters §5.2 allows', spec: 'RFC 6749 §5.2' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Issue access token', async (ctx) => {
      const responses = ctx.state.responses ?? {};
      const issued = methods.filter(({ method }) => responses[method]?.status === 200);
      if (issued.length === 0) return ctx.notApplicable('no client authentication method got a token response');

      for (const { method } of issued) {
        await ctx.check('token-response-carries-bearer-access-token-not', (c) => {
          expectTokenResponse(c, responses[method]!);
          expectNoStore(c, responses[method]!);
        }, { soft: true, args: { method } });
      }
      await ctx.check('no-refresh-token-issued-client-credentials', (c) => {
        // "A refresh token SHOULD NOT be included": the client can always ask again.
        for (const { method } of issued) {
          const res = responses[method]!;
          c.evidence(res);
          c.expect(res.json?.refresh_token, `refresh_token (${method})`).not.toBeDefined();
        }
      });
      await ctx.check('token-response-states-access-token-lifetime-expires', (c) => {
        // expires_in is RECOMMENDED.
        for (const { method } of issued) {
          const json = responses[method]!.json ?? {};
          c.expect(json.expires_in, `expires_in (${method})`).toBeGreaterThan(0);
        }
      });

      // RFC 9068 §2 on the first token issued; jti must differ from the other methods' tokens.
      const [first, ...others] = issued;
      const otherJtis = others.map(({ method }) => responses[method]!.json?.access_token).filter((t): t is string => typeof t === 'string' && isJwt(t)).map((t) => String(decodeJwt(t).jti));
      const firstClient = clientFor(ctx.target, first!.method, first!.role) as TargetClient;
      await checkJwtAccessToken(ctx, responses[first!.method]!, {
        clientId: firstClient.client_id,
        scope: responses[first!.method]!.json?.scope ?? firstClient.scope,
        subIsClient: true,
        otherJtis,
      });

      await ctx.check('resource-indicator-audience-restricted', async (c) => {
        const na = resourceIndicatorsNotApplicable(ctx.target);
        if (na) return c.notApplicable(na);
        const resource = resourceIndicatorOf(ctx.target)!;
        const res = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: grantType, ...scopeOf(firstClient), resource }, { client: firstClient });
        c.expectStatus(res, 200);
        const value = res.json.access_token as string;
        let aud: unknown;
        if (isJwt(value)) aud = decodeJwt(value).aud;
        else if (ctx.target.capabilities.introspection) aud = (await introspect(ctx, value, firstClient)).json?.aud;
        else return c.notApplicable('the access token is opaque and the AS has no introspection endpoint to tell its audience');
        // RFC 8707 §2: the AS SHOULD audience-restrict the token to the indicated resource.
        c.should((Array.isArray(aud) ? aud : [aud]).includes(resource), `aud of the token issued for resource ${resource}: ${JSON.stringify(aud)}`);
        return `aud is ${JSON.stringify(aud)}`;
      }, { soft: true });

      await introspectionAndRevocation(ctx);
    }, {
      key: 'token-response',
      checks: {
        ...jwtAccessTokenChecks,
        'resource-indicator-audience-restricted': { name: 'a token issued for a resource indicator is audience-restricted to it', spec: 'RFC 8707 §2', severity: 'warning' },
        ...introspectionChecks,
        ...revocationChecks,
        'token-response-carries-bearer-access-token-not': { name: 'the token response ({method}) carries a Bearer access token, not cached', spec: 'RFC 6749 §5.1' },
        'no-refresh-token-issued-client-credentials': { name: 'no refresh token is issued for client_credentials', spec: 'RFC 6749 §4.4.3', severity: 'warning' },
        'token-response-states-access-token-lifetime-expires': { name: 'the token response states the access token lifetime (expires_in)', spec: 'RFC 6749 §5.1', severity: 'warning' },
      },
    }),
  ],
});

