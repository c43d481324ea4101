/**
 * Client Credentials (RFC 6749 §4.4), diagrams/client-credentials.mmd: the client
 * authenticates with each method the target offers (client_secret_basic, client_secret_post,
 * private_key_jwt), bad authentication is refused with invalid_client (§5.2), and the token
 * response carries a Bearer access token and no refresh token (§4.4.3).
 */
import { defineFlow, step, randomValue, type FlowContext, type HttpResponse, type Target, type TargetClient, type ClientRole } from '../harness/flow/index.ts';
import { assertionClaims, assertionForm, assertionSignedByAnotherKey, signedAssertion, unsignedAssertion } from './lib/client-assertion.ts';
import { expectNoStore, expectTokenResponse } from './lib/token-request.ts';

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

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  /** The token response each method got (only the methods that applied). */
  responses?: Partial<Record<AuthMethod, HttpResponse>>;
}

/** The scope configured for a client, to send with its request (an AS may require one, RFC 6749 §3.3). */
function scopeOf(client: TargetClient | { reason: string }): { scope?: string } {
  return 'scope' in client && client.scope ? { scope: client.scope } : {};
}

function tokenEndpoint(ctx: FlowContext<State>): string {
  return ctx.target.endpoint('token_endpoint');
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
      const post = clientFor(ctx.target, 'client_secret_post', 'service-post');
      const jwt = clientFor(ctx.target, 'private_key_jwt', 'service-jwt');

      // RFC 6749 §5.2: a client that used the Authorization header gets 401 and WWW-Authenticate.
      await ctx.check('wrong-client-secret-client-secret-basic-refused', async (c) => {
        if (!isClient(basic)) return c.notApplicable(basic.reason);
        const res = await ctx.http.postForm(token, form, { basic: { username: basic.client_id, password: `${basic.client_secret ?? ''}-wrong` } });
        c.expectOAuthError(res, 'invalid_client', { status: 401 });
        c.expect(res.header('www-authenticate'), 'WWW-Authenticate').toMatch(/^\s*basic\b/i);
      }, { soft: true });
      await ctx.check('wrong-client-secret-client-secret-post-refused', async (c) => {
        if (!isClient(post)) return c.notApplicable(post.reason);
        c.expectOAuthError(await ctx.http.postForm(token, { ...form, client_id: post.client_id, client_secret: `${post.client_secret ?? ''}-wrong` }), 'invalid_client');
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
    }, {
      key: 'authenticate',
      checks: {
        ...Object.fromEntries(methods.map(({ method, spec }) => [`authenticates-${method.replace(/_/g, '-')}`, { name: `client authenticates with ${method}`, spec }])),
        'wrong-client-secret-client-secret-basic-refused': { name: 'a wrong client secret (client_secret_basic) is refused with 401 invalid_client', spec: 'RFC 6749 §5.2' },
        'wrong-client-secret-client-secret-post-refused': { name: 'a wrong client secret (client_secret_post) is refused with invalid_client', spec: 'RFC 6749 §5.2' },
        'unknown-client-refused-invalid-client': { name: 'an unknown client is refused with invalid_client', spec: 'RFC 6749 §5.2' },
        'client-assertion-signed-key-client-did-not': { name: 'a client assertion signed by a key the client did not register is refused with invalid_client', spec: 'RFC 7523 §3' },
        'client-assertion-another-audience-refused-invalid-client': { name: 'a client assertion for another audience is refused with invalid_client', spec: 'RFC 7523 §3' },
        'client-assertion-signed-alg-none-refused': { name: 'client assertion signed with alg none is refused', spec: 'RFC 7523 §3, RFC 8725 §3.1' },
        'replayed-client-assertion-same-jti-refused': { name: 'a replayed client assertion (same jti) is refused', spec: 'OIDC Core §9, RFC 7523 §3', severity: 'warning' },
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
    }, {
      key: 'token-response',
      checks: {
        'token-response-carries-bearer-access-token-not': { name: 'the token response ({method}) carries a Bearer access token, not cached', spec: 'RFC 6749 §5.1' },
        'no-refresh-token-issued-client-credentials': { name: 'no refresh token is issued for client_credentials', spec: 'RFC 6749 §4.4.3', severity: 'warning' },
        'token-response-states-access-token-lifetime-expires': { name: 'the token response states the access token lifetime (expires_in)', spec: 'RFC 6749 §5.1', severity: 'warning' },
      },
    }),
  ],
});
