/**
 * OpenID Connect (seed 003, the RP / OP / End-User figure): an authentication request with a
 * nonce, the End-User's sign-in and consent, the response (code → tokens, OIDC Core §3.1)
 * with the ID token validated rule by rule (§3.1.3.7), and the UserInfo endpoint (§5.3),
 * whose sub must be the ID token's (§5.3.2).
 */
import { defineFlow, step, type AuthorizeOutcome, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { expectSameState } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks, type ValidatedIdToken } from './lib/id-token.ts';
import { scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, tamperToken } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  outcome: AuthorizeOutcome;
  tokens: Record<string, any>;
  idToken?: ValidatedIdToken;
  userinfo: HttpResponse;
}

function clientOf(target: Target): TargetClient | undefined {
  return target.findClient('confidential') ?? target.findClient('public');
}

/** OIDC Discovery §3: the metadata an OpenID Provider MUST publish. */
const requiredMetadata = ['issuer', 'authorization_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'] as const;

export default defineFlow<State>({
  id: 'openid-connect',
  title: 'OpenID Connect authentication, ID token and UserInfo',
  diagram: 'diagrams/openid-connect.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint', 'jwks_uri'], responseTypes: ['code'] },
  applicable: (target) => {
    if (!target.capabilities.openid) return { reason: 'the target is not an OpenID Provider (no openid scope, no ID token response types)' };
    return clientOf(target) ? true : { reason: 'the target has no client with role "confidential" or "public"' };
  },
  state: () => ({}) as State,
  steps: [
    step('RP', 'OP', '(1) AuthN Request', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      const scope = scopeFor(ctx.target, client, ['openid', 'profile', 'email']);
      ctx.state.request = codeRequest(ctx.target, client, { scope, nonce: true });
      await ctx.check('discovery-document-has-metadata-oidc-discovery-requires', (c) => {
        const m = ctx.target.metadata;
        for (const key of requiredMetadata) c.expect(m[key], key).toBeDefined();
        c.expect(m.issuer, 'issuer (the URL the discovery document was read from)').toBe(ctx.target.issuer);
        // §3: RS256 MUST be among the ID token signing algorithms.
        c.expect(m.id_token_signing_alg_values_supported, 'id_token_signing_alg_values_supported').toContain('RS256');
      }, { soft: true });
    }, {
      key: 'authn-request',
      checks: {
        'discovery-document-has-metadata-oidc-discovery-requires': { name: 'the discovery document has the metadata OIDC Discovery requires', spec: 'OIDC Discovery §3, §4.3' },
      },
    }),

    step('End-User', 'OP', '(2) AuthN & AuthZ', async (ctx) => {
      const user = ctx.target.user('user');
      // The OP authenticates the End-User (§3.1.2.3): a wrong password gets the sign-in form again, never a code.
      await ctx.check('wrong-password-does-not-authenticate-end-user', async (c) => {
        await ctx.browser.resetSession();
        const outcome = await ctx.browser.authorize(ctx.state.request.url, { user: { ...user, password: `${user.password}-wrong` } });
        c.evidence(outcome);
        // Any page is a refusal (the form again, an error page); a redirect carrying a code or token is not.
        if (outcome.kind === 'redirect' && !outcome.params.error) return c.fail(`the browser was sent to ${outcome.redirectUri} with ${Object.keys(outcome.params).join(', ')} after a wrong password`);
        return outcome.kind === 'redirect' ? `refused with error ${outcome.params.error}` : `the browser stayed on "${outcome.title}"${outcome.reason === 'login-rejected' ? ' (the sign-in form again)' : ''}`;
      }, { soft: true });
      const outcome = await ctx.browser.authorize(ctx.state.request.url, { user, consent: 'approve' });
      await ctx.check('end-user-signs-consents-sent-back-rp', (c) => {
        c.expectRedirect(outcome);
      });
      ctx.state.outcome = outcome;
    }, {
      key: 'authn',
      checks: {
        'wrong-password-does-not-authenticate-end-user': { name: 'a wrong password does not authenticate the End-User', spec: 'OIDC Core §3.1.2.3' },
        'end-user-signs-consents-sent-back-rp': { name: 'the End-User signs in, consents and is sent back to the RP', spec: 'OIDC Core §3.1.2.3-3.1.2.4' },
      },
    }),

    step('OP', 'RP', '(3) AuthN Response', async (ctx) => {
      const { client, request, outcome } = ctx.state;
      let code: string | undefined;
      await ctx.check('authentication-response-carries-code-state', (c) => {
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.code, 'code').toBeNonEmptyString();
        code = params.code;
      }, { soft: true });
      await ctx.check('authentication-response-state', (c) => {
        expectSameState(c, c.expectRedirect(outcome).params, request.state);
      }, { soft: true });
      if (!code) return;
      const res = await exchangeCode(ctx, request, code);
      if (typeof res.json?.access_token === 'string') ctx.state.tokens = res.json;
      await ctx.check('code-exchanged-access-token-id-token', (c) => {
        const json = expectTokenResponse(c, res);
        expectNoStore(c, res);
        c.expect(json.id_token, 'id_token').toBeNonEmptyString();
      }, { soft: true });
      const tokens = res.json ?? {};
      // An ID token signed with alg none fails the alg check of checkIdToken (OIDC Core §3.1.3.7 step 7);
      // an OP may still list none in its discovery document (OIDC Discovery §3).
      if (typeof tokens.id_token === 'string') ctx.state.idToken = await checkIdToken(ctx, tokens.id_token, { client, nonce: request.nonce, accessToken: tokens.access_token, code });
    }, {
      key: 'authn-response',
      needs: { outcome: 'the End-User back at the RP' },
      checks: {
        ...idTokenChecks(),
        'authentication-response-carries-code-state': { name: 'the authentication response carries a code', spec: 'OIDC Core §3.1.2.5, RFC 6749 §4.1.2' },
        'authentication-response-state': { name: 'the authentication response carries the state of its request', spec: 'OIDC Core §3.1.2.5, RFC 6749 §4.1.2' },
        'code-exchanged-access-token-id-token': { name: 'the code is exchanged for an access token and an ID token', spec: 'OIDC Core §3.1.3.3' },
      },
    }),

    step('RP', 'OP', '(4) UserInfo Request', async (ctx) => {
      if (!ctx.target.capabilities.userinfo) return ctx.notApplicable('the discovery metadata has no userinfo_endpoint');
      const endpoint = ctx.target.endpoint('userinfo_endpoint');
      const res = await ctx.http.get(endpoint, { bearer: ctx.state.tokens.access_token, headers: { accept: 'application/json' } });
      ctx.state.userinfo = res;
      await ctx.check('userinfo-answers-request-access-token', (c) => {
        c.expectStatus(res, 200);
      }, { soft: true });
      await ctx.check('userinfo-refuses-invalid-access-token-401-invalid', async (c) => {
        c.expectBearerError(await ctx.http.get(endpoint, { bearer: tamperToken(ctx.state.tokens.access_token) }), 'invalid_token');
      }, { soft: true });
      await ctx.check('userinfo-refuses-request-without-access-token-401', async (c) => {
        const bare = await ctx.http.get(endpoint);
        c.expectStatus(bare, [400, 401]);
        c.expect(bare.header('www-authenticate'), 'WWW-Authenticate').toMatch(/^Bearer/i);
      }, { soft: true });
    }, {
      key: 'userinfo-request',
      needs: { tokens: 'an access token' },
      checks: {
        'userinfo-answers-request-access-token': { name: 'UserInfo answers a request with the access token', spec: 'OIDC Core §5.3.1, RFC 6750 §2.1' },
        'userinfo-refuses-invalid-access-token-401-invalid': { name: 'UserInfo refuses an invalid access token with 401 invalid_token', spec: 'OIDC Core §5.3.3, RFC 6750 §3.1' },
        'userinfo-refuses-request-without-access-token-401': { name: 'UserInfo refuses a request without an access token with 401', spec: 'RFC 6750 §3.1' },
      },
    }),

    step('OP', 'RP', '(5) UserInfo Response', async (ctx) => {
      const res = ctx.state.userinfo;
      if (!res) return ctx.notApplicable('the discovery metadata has no userinfo_endpoint');
      let claims: Record<string, any> = {};
      await ctx.check('userinfo-response-json-object-claims', (c) => {
        c.expectStatus(res, 200);
        c.expect(res.header('content-type'), 'Content-Type').toMatch(/^application\/json/i);
        claims = c.expectJson(res);
        c.expect(claims.sub, 'sub').toBeNonEmptyString();
      });
      await ctx.check('userinfo-sub-equals-id-token-sub', (c) => {
        const sub = ctx.state.idToken?.claims.sub;
        if (sub === undefined) c.notApplicable('no ID token with a sub came to compare with');
        c.expect(claims.sub, 'UserInfo sub').toBe(sub);
      });
      await ctx.check('userinfo-returns-claims-granted-profile-scope', (c) => {
        if (!ctx.state.request.scope.split(' ').includes('profile')) c.notApplicable('profile was not requested');
        const profile = ['name', 'family_name', 'given_name', 'preferred_username', 'nickname'];
        const present = profile.filter((k) => claims[k] !== undefined);
        if (present.length === 0) c.fail(`none of ${profile.join(', ')} came back for the profile scope`);
        return `profile claims present: ${present.join(', ')}`;
      }, { soft: true });
    }, {
      key: 'userinfo-response',
      needs: { userinfo: 'the UserInfo response' },
      checks: {
        'userinfo-response-json-object-claims': { name: 'the UserInfo response is a JSON object of claims', spec: 'OIDC Core §5.3.2' },
        'userinfo-sub-equals-id-token-sub': { name: 'UserInfo sub equals the ID token sub', spec: 'OIDC Core §5.3.2' },
        'userinfo-returns-claims-granted-profile-scope': { name: 'UserInfo returns the claims of the granted profile scope', spec: 'OIDC Core §5.4', severity: 'warning' },
      },
    }),
  ],
});
