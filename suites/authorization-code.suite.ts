/**
 * Authorization Code with PKCE (RFC 6749 §4.1, RFC 7636) and a refresh token: the second
 * "oauh2" diagram of seed 000. Negative checks sit on the arrow they attack: redirect_uri
 * handling on the authorization request, code and PKCE abuse on the token exchange.
 * Each negative check that could burn a code gets a code of its own, so the checks stay
 * independent of the order in which an AS validates.
 */
import { defineFlow, pkce, step, type AuthorizeOutcome, type CheckScope, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { authorizeCode, codeRequest, describeNoCode, freshCode, type CodeRequest, type CodeRequestOptions } from './lib/authorization-request.ts';
import { authorizeAsSent, expectSameState, promptNoneErrors } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { resourceSteps } from './lib/resource-request.ts';
import { offlineScope, resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectErrorCodeOf, expectNoStore, expectRefused, expectTokenResponse, otherCodeClient, refreshGrant, refusalChecks } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  requestOptions: CodeRequestOptions;
  outcome: AuthorizeOutcome;
  code: string;
  tokenResponse: HttpResponse;
  tokens: Record<string, any>;
  resource?: HttpResponse;
  /** The code-reuse check's first exchange: its refresh token probes the revocation. */
  reuseRefreshToken?: string;
  reuseRefused?: boolean;
}

/** The suite's client: confidential (so client authentication can be attacked), else public. */
function clientOf(target: Target): TargetClient | undefined {
  return target.findClient('confidential') ?? target.findClient('public');
}

/** A URI on another host: registered for no client. */
const attackerUri = 'https://attacker.nauthera.invalid/callback';

/** The same origin as `uri`, another path: not the registered URI (RFC 9700 §4.1.3, exact matching). */
function otherPathOf(uri: string): string {
  const u = new URL(uri);
  u.pathname = '/attacker/callback';
  u.search = '';
  return u.toString();
}

export default defineFlow<State>({
  id: 'authorization-code',
  title: 'Authorization Code with PKCE and a refresh token',
  diagram: 'diagrams/authorization-code.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'], responseTypes: ['code'] },
  applicable: (target) => (clientOf(target) ? true : { reason: 'the target has no client with role "confidential" or "public"' }),
  state: () => ({}) as State,
  steps: [
    step('User', 'Client', 'Requests to access resources', (ctx) => {
      const client = clientOf(ctx.target)!;
      const wanted = ['openid', 'profile', ...(ctx.target.resourceServer ? [resourceScope(ctx.target)] : [])];
      const { scope, prompt } = offlineScope(ctx.target, client, wanted);
      ctx.state.client = client;
      // No nonce: it is optional in the code flow (OIDC Core §3.1.2.1); openid-connect tests it.
      ctx.state.requestOptions = { scope, prompt };
      ctx.state.request = codeRequest(ctx.target, client, ctx.state.requestOptions);
      ctx.log(`client ${client.client_id} (${client.role}), scope "${scope}"`);
    }, { key: 'start' }),

    step('Client', 'AS', 'Redirects user to Authorization Server', async (ctx) => {
      const { client, request } = ctx.state;
      const registered = request.redirectUri;
      const user = ctx.target.user('user');
      const attempt = (redirectUri: string) => ctx.browser.authorize(codeRequest(ctx.target, client, { scope: request.scope, redirectUri }).url, { user });

      // OIDC Core §3.1.2.1: with prompt=none the OP MUST NOT display a page; without a session it
      // answers with an error, login_required or any other of §3.1.2.6 that fits.
      await ctx.check('prompt-none-without-session-refused', async (c) => {
        if (!ctx.target.capabilities.openid) c.notApplicable('the target is not an OpenID Provider (prompt is OIDC Core §3.1.2.1)');
        await ctx.browser.resetSession();
        const silent = codeRequest(ctx.target, client, { scope: scopeFor(ctx.target, client, ['openid']), prompt: 'none' });
        const outcome = await ctx.browser.authorize(silent.url);
        const params = c.expectRedirectError(outcome, promptNoneErrors);
        expectSameState(c, params, silent.state);
      }, { soft: true });

      // RFC 6749 §3.1.2.4: an invalid redirect_uri is shown to the user, never redirected to.
      await ctx.check('unregistered-redirect-uri-refused-without-redirecting', async (c) => {
        c.expectNoRedirect(await attempt(attackerUri), attackerUri);
      }, { soft: true });
      await ctx.check('redirect-uri-not-exactly-registered-one-refused', async (c) => {
        c.expectNoRedirect(await attempt(otherPathOf(registered)), otherPathOf(registered));
      }, { soft: true });
      await ctx.check('redirect-uri-sharing-only-prefix-registered-one', async (c) => {
        // Registered ".../callback"; ".../callback.attacker/x" starts with it.
        const prefixed = `${registered.replace(/\/$/, '')}.attacker/x`;
        c.expectNoRedirect(await attempt(prefixed), prefixed);
      }, { soft: true });
    }, {
      key: 'authorize',
      checks: {
        'prompt-none-without-session-refused': { name: 'prompt=none without a session is answered with an error (login_required or another of §3.1.2.6), not a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'unregistered-redirect-uri-refused-without-redirecting': { name: 'an unregistered redirect_uri is refused without redirecting', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1.3' },
        'redirect-uri-not-exactly-registered-one-refused': { name: 'a redirect_uri not exactly the registered one is refused without redirecting', spec: 'RFC 9700 §4.1.3, RFC 6749 §3.1.2.4' },
        'redirect-uri-sharing-only-prefix-registered-one': { name: 'redirect_uri sharing only a prefix with a registered one is refused', spec: 'RFC 9700 §4.1.3, RFC 6749 §3.1.2.4' },
      },
    }),

    step('User', 'AS', 'Grants Authorization', async (ctx) => {
      const user = ctx.target.user('user');
      const attempt = await authorizeAsSent(ctx, 'valid-request-accepted', ctx.state.request, ctx.state.requestOptions,
        (request) => ctx.browser.authorize(request.url, { user, consent: 'approve' }));
      ctx.state.request = attempt.request;
      const outcome = attempt.outcome;
      await ctx.check('user-signs-consents-sent-back-client', (c) => {
        c.expectRedirect(outcome);
      });
      ctx.state.outcome = outcome;
    }, {
      key: 'sign-in',
      needs: { request: 'the authorization request' },
      checks: {
        'valid-request-accepted': { name: 'a valid authorization request is accepted as sent (no nonce, the scope the suite needs)', spec: 'RFC 6749 §4.1.1, §3.3, OIDC Core §3.1.2.1' },
        'user-signs-consents-sent-back-client': { name: 'the user signs in, consents and is sent back to the client', spec: 'RFC 6749 §4.1.1-4.1.2' },
      },
    }),

    step('AS', 'User', 'Provides Authorization Code', async (ctx) => {
      const { outcome, request } = ctx.state;
      await ctx.check('authorization-response-carries-code', (c) => {
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.code, 'code').toBeNonEmptyString();
        ctx.state.code = params.code;
      }, { soft: true });
      await ctx.check('state-echoed-unchanged', (c) => {
        expectSameState(c, c.expectRedirect(outcome).params, request.state);
      }, { soft: true });
      const advertised = ctx.target.capabilities.issParameter;
      // RFC 9207 §2: an AS that advertises it MUST send iss; otherwise it is the recommended mix-up defence (RFC 9700 §4.4.2).
      await ctx.check('authorization-response-carries-iss-rfc-9207', (c) => {
        const iss = c.expectRedirect(outcome).params.iss;
        if (!advertised && iss === undefined) c.fail('no iss in the response, and the metadata does not set authorization_response_iss_parameter_supported (mix-up attacks are then possible, RFC 9700 §4.4)');
        c.expect(iss, 'iss').toBe(ctx.target.issuer);
      }, { soft: true, severity: advertised ? 'failure' : 'warning' });
    }, {
      key: 'authorization-response',
      needs: { outcome: 'the browser back at the client' },
      checks: {
        'authorization-response-carries-code': { name: 'the authorization response carries a code', spec: 'RFC 6749 §4.1.2' },
        'state-echoed-unchanged': { name: 'state is echoed unchanged', spec: 'RFC 6749 §4.1.2, §10.12' },
        'authorization-response-carries-iss-rfc-9207': { name: 'authorization response carries iss (RFC 9207)', spec: 'RFC 9207 §2' },
      },
    }),

    step('User', 'Client', 'Provides Authorization Code to Client', async (ctx) => {
      const { outcome, request } = ctx.state;
      await ctx.check('code-arrives-registered-redirect-uri-query', (c) => {
        const redirect = c.expectRedirect(outcome);
        c.expect(redirect.redirectUri, 'redirect URI').toBe(request.redirectUri);
        c.expect(new URL(redirect.url).searchParams.get('code'), 'code in the query (response_mode query)').toBe(ctx.state.code);
      }, { soft: true });
    }, {
      key: 'callback',
      needs: { outcome: 'the browser back at the client', code: 'an authorization code' },
      checks: {
        'code-arrives-registered-redirect-uri-query': { name: 'the code arrives at the registered redirect_uri in the query', spec: 'RFC 6749 §4.1.2, §3.1.2' },
      },
    }),

    step('Client', 'AS', 'Exchanges Authorization Code for Access Token', async (ctx) => {
      const { client, request, code } = ctx.state;
      const res = await exchangeCode(ctx, request, code);
      ctx.state.tokenResponse = res;
      if (typeof res.json?.access_token === 'string') ctx.state.tokens = res.json;
      await ctx.check('code-exchanged-for-tokens', (c) => {
        expectTokenResponse(c, res);
      }, { soft: true });

      // Each attack below uses a code of its own: a refused attempt may legitimately burn a code.
      // Refused at all, and refused with invalid_grant (RFC 6749 §5.2), are separate verdicts.
      const refusals: Record<string, HttpResponse | undefined> = {};
      const attack = async (key: string, run: (c: CheckScope) => Promise<HttpResponse>, codes: string[] = ['invalid_grant']) => {
        await ctx.check(key, async (c) => {
          refusals[key] = await run(c);
          expectRefused(c, refusals[key]!);
        }, { soft: true });
        await ctx.check(`${key}-error-code`, (c) => expectErrorCodeOf(c, refusals[key], codes), { soft: true });
      };
      await attack('code-reuse-refused', async (c) => {
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        const first = await exchangeCode(ctx, fresh.request, fresh.code);
        c.expectStatus(first, 200);
        ctx.state.reuseRefreshToken = first.json?.refresh_token;
        const again = await exchangeCode(ctx, fresh.request, fresh.code);
        ctx.state.reuseRefused = again.status >= 400;
        return again;
      });
      await ctx.check('tokens-issued-reused-code-revoked', async (c) => {
        if (!ctx.state.reuseRefused) c.notApplicable('code reuse was not refused, so nothing was revoked');
        const refreshToken = ctx.state.reuseRefreshToken;
        if (!refreshToken) c.notApplicable('the first exchange of the reused code gave no refresh token to probe');
        // SHOULD revoke "all tokens previously issued based on that authorization code".
        expectRefused(c, await refreshGrant(ctx, client, refreshToken!));
      }, { soft: true });
      await attack('code-of-another-client-refused', async (c) => {
        const other = otherCodeClient(ctx.target, client);
        if (!other) c.notApplicable('the target has only one client with the authorization_code grant');
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        c.note('presented by', `${other!.client_id} (${other!.role}); issued to ${client.client_id}`);
        return exchangeCode(ctx, fresh.request, fresh.code, { client: other! });
      });
      await attack('wrong-code-verifier-refused', async () => {
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { verifier: pkce().verifier });
      });
      // A missing verifier is a missing required parameter: invalid_request (RFC 6749 §5.2) fits as
      // well as invalid_grant (RFC 7636 §4.6 names invalid_grant for a verifier that does not match).
      await attack('missing-code-verifier-refused', async () => {
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { verifier: null });
      }, ['invalid_grant', 'invalid_request']);
      await attack('pkce-downgrade-refused', async (c) => {
        const plain = codeRequest(ctx.target, client, { scope: request.scope, pkce: false });
        const { outcome, code } = await authorizeCode(ctx, plain);
        // An AS that requires PKCE from this client refuses the request itself: the downgrade cannot start.
        if (!code) c.notApplicable(`the AS refuses a request without code_challenge from this client, so no downgrade can start: ${describeNoCode(outcome)}`);
        return exchangeCode(ctx, plain, code!, { verifier: pkce().verifier });
      });
      await attack('other-redirect-uri-refused', async () => {
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { redirectUri: attackerUri });
      });
      await ctx.check('bad-client-authentication-refused-401-invalid-client', async (c) => {
        if (!client.client_secret || !['client_secret_basic', 'client_secret_post'].includes(client.token_endpoint_auth_method)) {
          c.notApplicable(`client ${client.client_id} authenticates with ${client.token_endpoint_auth_method}, not a secret`);
        }
        const fresh = await freshCode(ctx, client, { scope: request.scope });
        const wrong = { ...client, client_secret: `${client.client_secret}-wrong` };
        const res = await exchangeCode(ctx, fresh.request, fresh.code, { client: wrong });
        // §5.2: 401 when the client authenticated with the Authorization header; 400 or 401 for client_secret_post.
        c.expectOAuthError(res, 'invalid_client', { status: client.token_endpoint_auth_method === 'client_secret_basic' ? 401 : [400, 401] });
        // §5.2: a 401 MUST carry WWW-Authenticate "matching the authentication scheme used by the client".
        if (res.status === 401) c.expect(res.header('www-authenticate'), 'WWW-Authenticate on the 401').toBeDefined();
        if (client.token_endpoint_auth_method === 'client_secret_basic') c.expect(res.header('www-authenticate'), 'WWW-Authenticate scheme (the client used Basic)').toMatch(/^\s*basic\b/i);
      }, { soft: true });
    }, {
      key: 'token',
      needs: { code: 'an authorization code' },
      checks: {
        'code-exchanged-for-tokens': { name: 'the code and its code_verifier are exchanged for tokens', spec: 'RFC 6749 §4.1.3, RFC 7636 §4.5' },
        ...refusalChecks('code-reuse-refused', 'authorization code reuse is refused', 'RFC 6749 §4.1.2, §10.5', 'invalid_grant'),
        ...refusalChecks('code-of-another-client-refused', 'a code issued to another client is refused', 'RFC 6749 §4.1.3', 'invalid_grant'),
        ...refusalChecks('wrong-code-verifier-refused', 'a wrong PKCE code_verifier is refused', 'RFC 7636 §4.6', 'invalid_grant'),
        ...refusalChecks('missing-code-verifier-refused', 'a missing PKCE code_verifier is refused', 'RFC 7636 §4.6, RFC 9700 §2.1.1', 'invalid_grant or invalid_request'),
        ...refusalChecks('pkce-downgrade-refused', 'a code_verifier for a code issued without code_challenge is refused (PKCE downgrade)', 'RFC 9700 §4.8.2', 'invalid_grant'),
        ...refusalChecks('other-redirect-uri-refused', "a redirect_uri other than the authorization request's is refused", 'RFC 6749 §4.1.3', 'invalid_grant'),
        'tokens-issued-reused-code-revoked': { name: 'tokens issued for a reused code are revoked', spec: 'RFC 6749 §4.1.2, RFC 9700 §4.5.1', severity: 'warning' },
        'bad-client-authentication-refused-401-invalid-client': { name: 'bad client authentication is refused with 401 invalid_client', spec: 'RFC 6749 §5.2, §2.3.1' },
      },
    }),

    step('AS', 'Client', 'Provides Access Token (and optionally a Refresh Token)', async (ctx) => {
      const { client, tokens, tokenResponse, request } = ctx.state;
      await ctx.check('token-response-not-cacheable', (c) => {
        expectNoStore(c, tokenResponse);
      }, { soft: true });
      await ctx.check('granted-scope-requested-one-returned', (c) => {
        // scope is REQUIRED in the response when it differs from the request.
        if (tokens.scope === undefined) return 'no scope in the response: the requested scope was granted as asked';
        c.expect(typeof tokens.scope, 'type of scope').toBe('string');
        return `granted "${tokens.scope}" for "${request.scope}"`;
      }, { soft: true });
      await ctx.check('refresh-token-issued-client-allowed-refresh-token', (c) => {
        if (!client.grant_types.includes('refresh_token') || !ctx.target.capabilities.grantTypes.includes('refresh_token')) {
          c.notApplicable('the client or the target does not use the refresh_token grant');
        }
        c.expect(tokens.refresh_token, 'refresh_token').toBeNonEmptyString();
      }, { soft: true });
      if (typeof tokens.id_token === 'string' || request.scope.split(' ').includes('openid')) {
        await ctx.check('id-token-comes-openid-scope', (c) => {
          c.expect(tokens.id_token, 'id_token').toBeNonEmptyString();
        }, { soft: true });
        if (typeof tokens.id_token === 'string') await checkIdToken(ctx, tokens.id_token, { client, accessToken: tokens.access_token, code: ctx.state.code });
      }
    }, {
      key: 'token-response',
      needs: { tokens: 'a token response with an access token' },
      checks: {
        ...idTokenChecks(),
        'token-response-not-cacheable': { name: 'the token response is not cacheable', spec: 'RFC 6749 §5.1' },
        'granted-scope-requested-one-returned': { name: 'the granted scope is the requested one, or is returned', spec: 'RFC 6749 §5.1, §3.3' },
        'refresh-token-issued-client-allowed-refresh-token': { name: 'a refresh token is issued to a client allowed the refresh_token grant', spec: 'RFC 6749 §5.1, §1.5, OIDC Core §11' },
        'id-token-comes-openid-scope': { name: 'an ID token comes with the openid scope', spec: 'OIDC Core §3.1.3.3' },
      },
    }),

    ...resourceSteps<State>('RFC 6749 §7, RFC 6750 §2.1'),
  ],
});
