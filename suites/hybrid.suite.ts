/**
 * Hybrid flow (OIDC Core §3.3), diagrams/hybrid.mmd: response_type code id_token, code token
 * and code id_token token for the "hybrid" client. The front-channel response comes in the
 * fragment with the code; its ID token echoes the nonce and binds the code (c_hash) and, with
 * a token, the access token (at_hash); each code is then exchanged at the token endpoint, whose
 * ID token names the same iss and sub (§3.3.3.6). Negative checks: nonce required, nothing
 * sent to an unregistered redirect_uri, a refused consent gives access_denied, and a code
 * exchanged with another redirect_uri is refused. The nonce check is named "ID token nonce
 * matches (hybrid)", apart from openid-connect's.
 */
import { consentAnswers } from '../harness/browser/interactions.ts';
import { defineFlow, step, type AuthorizeOutcome, type FlowContext, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, freshCode, type CodeRequest } from './lib/authorization-request.ts';
import { checkNonceRequired, expectFragmentResponse, expectFrontChannelAccessToken, expectSignInAsked, noResponseTypeReason, requestEachResponseType, usableResponseTypes } from './lib/front-channel.ts';
import { expectDenied, expectSameState } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks, type ValidatedIdToken } from './lib/id-token.ts';
import { checkErrorInFragmentWithState, checkFormPost, checkPromptNoneWithoutSession, checkQueryModeRefused } from './lib/response-mode-checks.ts';
import { checkUserInfoSub } from './lib/userinfo.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse } from './lib/token-request.ts';

const responseTypes = ['code id_token', 'code token', 'code id_token token'] as const;
const attackerUri = 'https://evil.nauthera.test/hybrid-callback';

interface Issued {
  request: CodeRequest;
  outcome: AuthorizeOutcome;
  params?: Record<string, string>;
  idToken?: ValidatedIdToken;
  exchange?: HttpResponse;
}

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  client?: TargetClient;
  /** One request per usable response type, the first one walked through steps 2-4. */
  requests?: CodeRequest[];
  issued?: Issued[];
}

const has = (type: string, value: string) => type.split(' ').includes(value);

function hybridRequest(target: Target, client: TargetClient, responseType: string, options: { prompt?: string; redirectUri?: string; nonce?: boolean } = {}): CodeRequest {
  const scope = scopeFor(target, client, ['openid', 'profile', resourceScope(target)]);
  return codeRequest(target, client, { responseType, scope, nonce: options.nonce ?? true, prompt: options.prompt, redirectUri: options.redirectUri });
}

/** ID token check names of this suite: each tagged with where the token came from, the nonce check apart from openid-connect's. */

const promptConsent = (ctx: FlowContext<State>) => (consentAnswers(ctx.target.login).approve ? 'consent' : undefined);

export default defineFlow<State>({
  id: 'hybrid',
  title: 'Hybrid flow',
  diagram: 'diagrams/hybrid.mmd',
  needs: { clients: ['hybrid'], users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] },
  applicable: (target) => {
    const reason = noResponseTypeReason(target, target.findClient('hybrid'), 'hybrid', responseTypes);
    return reason ? { reason } : true;
  },
  steps: [
    step('User', 'Client Application', 'Access', (ctx) => {
      requestEachResponseType(ctx, 'hybrid', responseTypes, (client, t) => hybridRequest(ctx.target, client, t));
    }, { key: 'access' }),

    step('Client Application', 'Authorization Server', 'Request authorization (ID and access tokens)', async (ctx) => {
      const client = ctx.state.client!;
      const first = ctx.state.requests![0]!;
      const user = ctx.target.user('user');

      await ctx.check('accepts-hybrid-request-asks-user-sign', async (c) => {
        expectSignInAsked(c, await ctx.browser.authorize(first.url));
      });

      // OIDC Core §3.1.2.1 prompt=none, without a session: an error, in the fragment with the state (§3.3.2.6).
      {
        const request = hybridRequest(ctx.target, client, first.params.response_type!, { prompt: 'none' });
        const outcome = await checkPromptNoneWithoutSession(ctx, 'prompt-none-without-session-answered-error', request);
        await checkErrorInFragmentWithState(ctx, 'prompt-none-error-in-fragment-with-state', outcome, request.state);
      }

      // OIDC Core §3.3.2.11: the nonce is REQUIRED when the authorization endpoint returns an ID token.
      const withIdToken = usableResponseTypes(ctx.target, client, ['code id_token', 'code id_token token'])[0];
      await checkNonceRequired(ctx, { refused: 'hybrid-request-id-token-without-nonce-refused', errorCode: 'without-nonce-error-invalid-request', state: 'without-nonce-error-carries-state' },
        withIdToken ? hybridRequest(ctx.target, client, withIdToken, { nonce: false }) : undefined,
        'the client can use no hybrid response type with id_token at this target', user);

      await ctx.check('no-code-token-sent-unregistered-redirect-uri', async (c) => {
        const request = hybridRequest(ctx.target, client, first.params.response_type!, { redirectUri: attackerUri });
        c.expectNoRedirect(await ctx.browser.authorize(request.url, { user }), attackerUri);
      }, { soft: true });

      // OAuth 2.0 Multiple Response Types §2.1, §5: a code issued with tokens is never put in the query, even when asked.
      await checkQueryModeRefused(ctx, 'query-response-mode-puts-nothing-in-query', first, user);
    }, {
      key: 'authorize',
      needs: { requests: 'a hybrid request' },
      checks: {
        'prompt-none-without-session-answered-error': { name: 'prompt=none without a session is answered with an error of §3.1.2.6, not a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'prompt-none-error-in-fragment-with-state': { name: 'the error response to prompt=none comes in the fragment with the state', spec: 'OIDC Core §3.3.2.6, §3.1.2.6' },
        'without-nonce-error-carries-state': { name: 'the refusal of a request without nonce carries the state of its request', spec: 'OIDC Core §3.1.2.6, RFC 6749 §4.1.2.1' },
        'query-response-mode-puts-nothing-in-query': { name: 'response_mode=query puts no code or token in the query', spec: 'OAuth 2.0 Multiple Response Types §2.1, §5' },
        'accepts-hybrid-request-asks-user-sign': { name: 'the AS accepts the hybrid request and asks the user to sign in', spec: 'OIDC Core §3.3.2.1' },
        'hybrid-request-id-token-without-nonce-refused': { name: 'a hybrid request for an ID token without nonce is refused (no code or token issued)', spec: 'OIDC Core §3.3.2.11' },
        'without-nonce-error-invalid-request': { name: 'the refusal of a request without nonce is an invalid_request error in the fragment', spec: 'RFC 6749 §4.1.2.1, OIDC Core §3.3.2.6' },
        'no-code-token-sent-unregistered-redirect-uri': { name: 'no code or token is sent to an unregistered redirect_uri', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1' },
      },
    }),

    step('Authorization Server', 'User', 'Display consent', async (ctx) => {
      const login = ctx.target.login!;
      if (!consentAnswers(login).approve && !consentAnswers(login).deny) return ctx.notApplicable('the login config answers no consent page (login.consent, or a decision in login.interactions): the harness cannot see one');
      // prompt=consent: the page must be shown even if the IdP remembers an earlier consent (OIDC Core §3.1.2.1).
      const request = hybridRequest(ctx.target, ctx.state.client!, ctx.state.requests![0]!.params.response_type!, { prompt: 'consent' });
      await ctx.check('consent-page-shown-refusal-answered-access-denied', async (c) => {
        if (!consentAnswers(login).deny) return c.notApplicable('the login config has no way to deny (login.consent.deny, or a deny decision in login.interactions)');
        const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'deny' });
        const params = expectDenied(c, outcome, { fragment: true });
        expectSameState(c, params, request.state);
        c.expect(params.code ?? params.id_token ?? params.access_token, 'a code or token in the error response').not.toBeDefined();
      }, { soft: true });
    }, {
      key: 'consent-page',
      needs: { requests: 'a hybrid request' },
      checks: {
        'consent-page-shown-refusal-answered-access-denied': { name: 'the consent page is shown and a refusal is answered with access_denied in the fragment', spec: 'OIDC Core §3.3.2.6, §3.1.2.4' },
      },
    }),

    step('User', 'Authorization Server', 'Give consent', async (ctx) => {
      const user = ctx.target.user('user');
      const [first, ...rest] = ctx.state.requests!;
      ctx.state.issued = [];
      await ctx.check('user-consents-sent-back-client', async (c) => {
        const prompt = promptConsent(ctx);
        const request = prompt ? hybridRequest(ctx.target, ctx.state.client!, first!.params.response_type!, { prompt }) : first!;
        const outcome = await ctx.browser.authorize(request.url, { user, consent: 'approve' });
        c.expectRedirect(outcome);
        ctx.state.issued!.push({ request, outcome });
      }, { soft: true });
      // The other response types, in the same session (consent given, or asked again).
      for (const request of rest) {
        ctx.state.issued.push({ request, outcome: await ctx.browser.authorize(request.url, { user, consent: 'approve' }) });
      }
    }, {
      key: 'consent',
      needs: { requests: 'a hybrid request' },
      checks: {
        'user-consents-sent-back-client': { name: 'the user consents and is sent back to the client', spec: 'OIDC Core §3.3.2.5' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Issue ID token and authorization code', async (ctx) => {
      const client = ctx.state.client!;
      for (const issued of ctx.state.issued!) {
        const { request, outcome } = issued;
        const type = request.params.response_type!;
        // What arrived is judged wherever it arrived (query or fragment).
        if (outcome.kind === 'redirect' && !outcome.params.error) issued.params = outcome.params;
        await ctx.check('response-comes-fragment-code-state', (c) => {
          const params = expectFragmentResponse(c, outcome);
          c.expect(params.code, 'code').toBeNonEmptyString();
          expectSameState(c, params, request.state);
        }, { soft: true, args: { type } });
        const params = issued.params;
        if (!params?.code) continue;
        if (has(type, 'token')) {
          await ctx.check('response-carries-bearer-access-token', (c) => {
            expectFrontChannelAccessToken(c, params);
          }, { soft: true, args: { type } });
        }
        if (has(type, 'id_token')) {
          await ctx.check('response-carries-id-token', (c) => {
            c.expect(params.id_token, 'id_token').toBeNonEmptyString();
          }, { soft: true, args: { type } });
          if (params.id_token) {
            issued.idToken = await checkIdToken(ctx, params.id_token, {
              client, nonce: request.nonce, code: params.code, accessToken: params.access_token,
              requireCHash: true, requireAtHash: has(type, 'token'), tag: type,
            });
            if (has(type, 'token')) await checkUserInfoSub(ctx, 'userinfo-sub-equals-id-token-sub', params.access_token, issued.idToken?.claims.sub, { type });
          }
        }
      }
      // OAuth 2.0 Form Post Response Mode §2, in the session the consent opened.
      const first = ctx.state.issued![0]?.request;
      if (first) await checkFormPost(ctx, 'form-post-response-mode-posts-response', hybridRequest(ctx.target, client, first.params.response_type!), ctx.target.user('user'));
    }, {
      key: 'authorization-response',
      needs: { issued: 'an authorization response' },
      checks: {
        ...idTokenChecks({ tagged: true }),
        'response-comes-fragment-code-state': { name: 'the response to "{type}" comes in the fragment with a code and the state', spec: 'OIDC Core §3.3.2.5, OAuth 2.0 Multiple Response Types §5' },
        'response-carries-bearer-access-token': { name: 'the response to "{type}" carries a Bearer access token', spec: 'OIDC Core §3.3.2.5, RFC 6749 §4.2.2' },
        'response-carries-id-token': { name: 'the response to "{type}" carries an ID token', spec: 'OIDC Core §3.3.2.5' },
        'userinfo-sub-equals-id-token-sub': { name: 'UserInfo sub for the access token of "{type}" equals the ID token sub', spec: 'OIDC Core §5.3.2' },
        'form-post-response-mode-posts-response': { name: 'response_mode=form_post posts the response to the redirect_uri, nothing in its URL', spec: 'OAuth 2.0 Form Post Response Mode §2' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Exchange authorization code for access token', async (ctx) => {
      const client = ctx.state.client!;
      const withCode = ctx.state.issued!.filter((i) => i.params?.code);
      if (withCode.length === 0) return ctx.notApplicable('no authorization response carried a code');
      for (const issued of withCode) {
        const type = issued.request.params.response_type!;
        await ctx.check('code-accepted-token-endpoint', async (c) => {
          issued.exchange = await exchangeCode(ctx, issued.request, issued.params!.code!);
          c.expectStatus(issued.exchange, 200);
        }, { soft: true, args: { type } });
      }
      // RFC 6749 §4.1.3: the redirect_uri of the token request must be the one of the authorization request.
      await ctx.check('hybrid-code-exchanged-another-redirect-uri-refused', async (c) => {
        const first = withCode[0]!.request;
        const { request, code } = await freshCode(ctx, client, { responseType: first.params.response_type, scope: first.scope, nonce: true });
        c.expectOAuthError(await exchangeCode(ctx, request, code, { redirectUri: attackerUri }), 'invalid_grant');
      }, { soft: true });
    }, {
      key: 'token',
      needs: { issued: 'an authorization response' },
      checks: {
        'code-accepted-token-endpoint': { name: 'the code of "{type}" is accepted at the token endpoint', spec: 'OIDC Core §3.3.3.1, RFC 6749 §4.1.3' },
        'hybrid-code-exchanged-another-redirect-uri-refused': { name: 'a hybrid code exchanged with another redirect_uri is refused with invalid_grant', spec: 'RFC 6749 §4.1.3' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Return access token', async (ctx) => {
      const client = ctx.state.client!;
      const exchanged = ctx.state.issued!.filter((i) => i.exchange?.status === 200);
      if (exchanged.length === 0) return ctx.notApplicable('no code was exchanged');
      let validated = false;
      for (const issued of exchanged) {
        const type = issued.request.params.response_type!;
        const res = issued.exchange!;
        await ctx.check('token-response-carries-bearer-access-token-id', (c) => {
          const json = expectTokenResponse(c, res);
          expectNoStore(c, res);
          c.expect(json.id_token, 'id_token').toBeNonEmptyString();
        }, { soft: true, args: { type } });
        const idToken = res.json?.id_token;
        if (typeof idToken !== 'string') continue;
        if (!validated) {
          // One full validation of a token-endpoint ID token (§3.3.3.7 → §3.1.3.7).
          validated = true;
          await checkIdToken(ctx, idToken, { client, nonce: issued.request.nonce, accessToken: res.json.access_token, code: issued.params?.code });
        }
        if (issued.idToken) {
          // §3.3.3.6: iss and sub MUST be identical in both ID tokens.
          await ctx.check('id-token-token-endpoint-names-iss-sub', (c) => {
            const [, payload] = idToken.split('.');
            const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8') || '{}') as Record<string, unknown>;
            c.expect(claims.iss, 'iss').toBe(issued.idToken!.claims.iss);
            c.expect(claims.sub, 'sub').toBe(issued.idToken!.claims.sub);
          }, { soft: true, args: { type } });
          // §3.3.3.6: "All Claims about the Authentication event present in either SHOULD be present in both."
          await ctx.check('auth-event-claims-in-both-id-tokens', (c) => {
            const [, payload] = idToken.split('.');
            const back = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8') || '{}') as Record<string, unknown>;
            const front = issued.idToken!.claims;
            const event = ['auth_time', 'acr', 'amr'];
            const missing = event.filter((k) => (front[k] === undefined) !== (back[k] === undefined));
            c.should(missing.length === 0, `claims about the authentication event in only one of the two ID tokens: ${missing.join(', ')}`);
            return `authentication event claims in both: ${event.filter((k) => front[k] !== undefined && back[k] !== undefined).join(', ') || 'none'}`;
          }, { soft: true, args: { type } });
        }
      }
    }, {
      key: 'token-response',
      needs: { issued: 'an authorization response' },
      checks: {
        ...idTokenChecks(),
        'token-response-carries-bearer-access-token-id': { name: 'the token response for "{type}" carries a Bearer access token and an ID token, not cached', spec: 'OIDC Core §3.3.3.3, RFC 6749 §5.1' },
        'id-token-token-endpoint-names-iss-sub': { name: 'the ID token of the token endpoint names the iss and sub of the front channel\'s ("{type}")', spec: 'OIDC Core §3.3.3.6' },
        'auth-event-claims-in-both-id-tokens': { name: 'the claims about the authentication event are in both ID tokens ("{type}")', spec: 'OIDC Core §3.3.3.6', severity: 'warning' },
      },
    }),
  ],
});
