/**
 * Implicit flow (RFC 6749 §4.2, OIDC Core §3.2), diagrams/implicit.mmd: response_type token
 * and id_token token for the "implicit" client. The request is checked where it is sent (a
 * request for an ID token without nonce is refused, OIDC Core §3.2.2.11; no token for an
 * unregistered redirect URI or for a client not registered for the implicit grant), the
 * consent page is shown and can be refused, and the response comes in the fragment with the
 * state, a Bearer access token, no refresh token, and an ID token that echoes the nonce and
 * binds the access token (at_hash). The nonce check is named "ID token nonce matches
 * (implicit)", apart from openid-connect's.
 */
import { consentAnswers } from '../harness/browser/interactions.ts';
import { defineFlow, step, type AuthorizeOutcome, type FlowContext, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { expectDenied, expectNoGrant, expectSameState } from './lib/authorization-response.ts';
import { checkNonceRequired, expectFragmentResponse, expectFrontChannelAccessToken, expectSignInAsked, noResponseTypeReason, requestEachResponseType, usableResponseTypes } from './lib/front-channel.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { checkErrorInFragmentWithState, checkFormPost, checkPromptNoneWithoutSession, checkQueryModeRefused } from './lib/response-mode-checks.ts';
import { checkUserInfoSub } from './lib/userinfo.ts';
import { resourceScope, scopeFor, scopeTokens } from './lib/scopes.ts';

const responseTypes = ['id_token token', 'token', 'id_token'] as const;
const has = (type: string, value: string) => type.split(' ').includes(value);
const attackerUri = 'https://evil.nauthera.test/implicit-callback';

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  client?: TargetClient;
  /** One request per usable response type, the first one walked through steps 2-4. */
  requests?: CodeRequest[];
  outcomes?: Array<{ request: CodeRequest; outcome: AuthorizeOutcome }>;
}

/** An implicit request: fragment response type, no PKCE (nothing to exchange), a nonce when an ID token is asked for. */
function implicitRequest(target: Target, client: TargetClient, responseType: string, options: { prompt?: string; redirectUri?: string; nonce?: boolean } = {}): CodeRequest {
  const withIdToken = responseType.split(' ').includes('id_token');
  const scope = withIdToken
    ? scopeFor(target, client, ['openid', 'profile', resourceScope(target)])
    : scopeFor(target, client, [resourceScope(target)]) || undefined;
  return codeRequest(target, client, { responseType, scope: scope ?? '', pkce: false, nonce: options.nonce ?? withIdToken, prompt: options.prompt, redirectUri: options.redirectUri });
}

/** ID token check names of this suite: the nonce check apart from openid-connect's, so the faults table tells the two apart. */

const promptConsent = (ctx: FlowContext<State>) => (ctx.target.capabilities.openid ? 'consent' : undefined);

export default defineFlow<State>({
  id: 'implicit',
  title: 'Implicit flow',
  diagram: 'diagrams/implicit.mmd',
  needs: { clients: ['implicit'], users: ['user'], login: true, endpoints: ['authorization_endpoint'] },
  applicable: (target) => {
    const reason = noResponseTypeReason(target, target.findClient('implicit'), 'implicit', responseTypes);
    return reason ? { reason } : true;
  },
  steps: [
    step('User', 'Client Application', 'Access', (ctx) => {
      requestEachResponseType(ctx, 'implicit', responseTypes, (client, t) => implicitRequest(ctx.target, client, t));
    }, { key: 'access' }),

    step('Client Application', 'Authorization Server', 'Request authorization', async (ctx) => {
      const client = ctx.state.client!;
      const first = ctx.state.requests![0]!;
      const user = ctx.target.user('user');

      await ctx.check('accepts-implicit-request-asks-user-sign', async (c) => {
        expectSignInAsked(c, await ctx.browser.authorize(first.url));
      });

      // OIDC Core §3.1.2.1 prompt=none, without a session: an error, in the fragment with the state (§3.2.2.6).
      const silent = usableResponseTypes(ctx.target, client, ['id_token token', 'id_token'])[0];
      if (silent) {
        const request = implicitRequest(ctx.target, client, silent, { prompt: 'none' });
        const outcome = await checkPromptNoneWithoutSession(ctx, 'prompt-none-without-session-answered-error', request);
        await checkErrorInFragmentWithState(ctx, 'prompt-none-error-in-fragment-with-state', outcome, request.state);
      } else {
        ctx.log('no response type with id_token: prompt=none is an OpenID Connect parameter, not sent');
      }

      // OIDC Core §3.2.2.1: nonce is REQUIRED when an ID token comes from the authorization endpoint.
      const withIdToken = usableResponseTypes(ctx.target, client, ['id_token token']).length > 0;
      await checkNonceRequired(ctx, { refused: 'implicit-request-id-token-without-nonce-refused', errorCode: 'without-nonce-error-invalid-request', state: 'without-nonce-error-carries-state' },
        withIdToken ? implicitRequest(ctx.target, client, 'id_token token', { nonce: false }) : undefined,
        'the client cannot use "id_token token" at this target', user);

      // RFC 6749 §4.2.2.1, §3.1.2.4: a token sent to an unregistered redirect URI is a token stolen.
      await ctx.check('no-token-sent-unregistered-redirect-uri', async (c) => {
        const request = implicitRequest(ctx.target, client, first.params.response_type!, { redirectUri: attackerUri });
        c.expectNoRedirect(await ctx.browser.authorize(request.url, { user }), attackerUri);
      }, { soft: true });

      // RFC 6749 §4.2.2.1 (unauthorized_client), RFC 9700 §2.1.2: the implicit grant only for clients registered for it.
      await ctx.check('client-not-registered-implicit-grant-gets-no', async (c) => {
        const other = ctx.target.clients.find((x) => x.role !== 'implicit' && x.redirect_uris.length > 0 && x.grant_types.includes('authorization_code') && !x.grant_types.includes('implicit') && !x.response_types.some((r) => r.split(' ').includes('token')));
        if (!other) return c.notApplicable('the target has no code-flow client without the implicit grant');
        // A response type the target offers: refusing one it never offers proves nothing about the client.
        const type = first.params.response_type!;
        const request = implicitRequest(ctx.target, other, type);
        c.note('request', `response_type "${type}" for client ${other.client_id} (${other.role})`);
        return expectNoGrant(c, await ctx.browser.authorize(request.url, { user }));
      }, { soft: true });

      // OAuth 2.0 Multiple Response Types §2.1, §5: tokens never in the query, even when response_mode=query is asked.
      await checkQueryModeRefused(ctx, 'query-response-mode-puts-no-token-in-query', first, user);
    }, {
      key: 'authorize',
      needs: { requests: 'an implicit request' },
      checks: {
        'prompt-none-without-session-answered-error': { name: 'prompt=none without a session is answered with an error of §3.1.2.6, not a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'prompt-none-error-in-fragment-with-state': { name: 'the error response to prompt=none comes in the fragment with the state', spec: 'OIDC Core §3.2.2.6, §3.1.2.6, RFC 6749 §4.2.2.1' },
        'without-nonce-error-carries-state': { name: 'the refusal of a request without nonce carries the state of its request', spec: 'OIDC Core §3.1.2.6, RFC 6749 §4.2.2.1' },
        'query-response-mode-puts-no-token-in-query': { name: 'response_mode=query puts no token in the query', spec: 'OAuth 2.0 Multiple Response Types §2.1, §5' },
        'accepts-implicit-request-asks-user-sign': { name: 'the AS accepts the implicit request and asks the user to sign in', spec: 'RFC 6749 §4.2.1, OIDC Core §3.2.2.1' },
        'implicit-request-id-token-without-nonce-refused': { name: 'an implicit request for an ID token without nonce is refused (no token issued)', spec: 'OIDC Core §3.2.2.1' },
        'without-nonce-error-invalid-request': { name: 'the refusal of a request without nonce is an invalid_request error in the fragment', spec: 'RFC 6749 §4.2.2.1, OIDC Core §3.2.2.6' },
        'no-token-sent-unregistered-redirect-uri': { name: 'no token is sent to an unregistered redirect_uri', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1' },
        'client-not-registered-implicit-grant-gets-no': { name: 'a client not registered for the implicit grant gets no token from the authorization endpoint', spec: 'RFC 6749 §4.2.2.1, §10.16' },
      },
    }),

    step('Authorization Server', 'User', 'Display consent', async (ctx) => {
      const login = ctx.target.login!;
      if (!consentAnswers(login).approve && !consentAnswers(login).deny) return ctx.notApplicable('the login config answers no consent page (login.consent, or a decision in login.interactions): the harness cannot see one');
      const client = ctx.state.client!;
      // prompt=consent: the page must be shown even if the IdP remembers an earlier consent (OIDC Core §3.1.2.1).
      const request = implicitRequest(ctx.target, client, ctx.state.requests![0]!.params.response_type!, { prompt: promptConsent(ctx) });
      await ctx.check('consent-page-shown-refusal-answered-access-denied', async (c) => {
        if (!consentAnswers(login).deny) return c.notApplicable('the login config has no way to deny (login.consent.deny, or a deny decision in login.interactions)');
        const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'deny' });
        const params = expectDenied(c, outcome, { fragment: true });
        expectSameState(c, params, request.state);
        c.expect(params.access_token, 'access_token').not.toBeDefined();
      }, { soft: true });
    }, {
      key: 'consent-page',
      needs: { requests: 'an implicit request' },
      checks: {
        'consent-page-shown-refusal-answered-access-denied': { name: 'the consent page is shown and a refusal is answered with access_denied in the fragment', spec: 'RFC 6749 §4.2.2.1, OIDC Core §3.1.2.4' },
      },
    }),

    step('User', 'Authorization Server', 'Give consent', async (ctx) => {
      const user = ctx.target.user('user');
      const [first, ...rest] = ctx.state.requests!;
      ctx.state.outcomes = [];
      await ctx.check('user-consents-sent-back-client', async (c) => {
        // The walked-through request asks again with prompt=consent, so the approval is really given here.
        const request = consentAnswers(ctx.target.login).approve
          ? implicitRequest(ctx.target, ctx.state.client!, first!.params.response_type!, { prompt: promptConsent(ctx) })
          : first!;
        const outcome = await ctx.browser.authorize(request.url, { user, consent: 'approve' });
        c.expectRedirect(outcome);
        ctx.state.outcomes!.push({ request, outcome });
      }, { soft: true });
      // The other response type, in the same session (consent given or asked again).
      for (const request of rest) {
        ctx.state.outcomes.push({ request, outcome: await ctx.browser.authorize(request.url, { user, consent: 'approve' }) });
      }
    }, {
      key: 'consent',
      needs: { requests: 'an implicit request' },
      checks: {
        'user-consents-sent-back-client': { name: 'the user consents and is sent back to the client', spec: 'RFC 6749 §4.2.1-4.2.2' },
      },
    }),

    step('Authorization Server', 'Client Application', 'Issue access token (via redirect)', async (ctx) => {
      const client = ctx.state.client!;
      for (const { request, outcome } of ctx.state.outcomes!) {
        const type = request.params.response_type!;
        // What arrived is judged wherever it arrived (query or fragment).
        const params: Record<string, string> = outcome.kind === 'redirect' && !outcome.params.error ? outcome.params : {};
        await ctx.check('response-comes-fragment-state', (c) => {
          expectSameState(c, expectFragmentResponse(c, outcome), request.state);
        }, { soft: true, args: { type } });
        if (!params.access_token && !params.id_token) continue;
        if (has(type, 'token')) {
          await ctx.check('response-carries-bearer-access-token', (c) => {
            expectFrontChannelAccessToken(c, params);
          }, { soft: true, args: { type } });
          // RFC 6749 §4.2.2: expires_in RECOMMENDED.
          await ctx.check('response-carries-expires-in', (c) => {
            c.should(params.expires_in !== undefined, 'expires_in is RECOMMENDED (RFC 6749 §4.2.2) and the response has none');
          }, { soft: true, args: { type } });
        }
        // RFC 6749 §4.2.2: "The authorization server MUST NOT issue a refresh token."
        await ctx.check('no-refresh-token-comes-from-authorization-endpoint', (c) => {
          c.expect(params.refresh_token, 'refresh_token').not.toBeDefined();
        }, { soft: true, args: { type } });
        if (type.split(' ').includes('id_token')) {
          await ctx.check('response-carries-id-token', (c) => {
            c.expect(params.id_token, 'id_token').toBeNonEmptyString();
          }, { soft: true, args: { type } });
          if (params.id_token) {
            const idToken = await checkIdToken(ctx, params.id_token, { client, nonce: request.nonce, accessToken: params.access_token, requireAtHash: has(type, 'token'), tag: type });
            if (has(type, 'token')) await checkUserInfoSub(ctx, 'userinfo-sub-equals-id-token-sub', params.access_token, idToken?.claims.sub, { type });
            if (type === 'id_token') {
              // OIDC Core §5.4: "when no Access Token is issued (which is the case for the response_type value id_token), the resulting Claims are returned in the ID Token."
              await ctx.check('id-token-only-carries-scope-claims', (c) => {
                if (!idToken) c.notApplicable('the ID token did not decode');
                if (!request.scope.split(' ').includes('profile')) c.notApplicable('profile was not requested');
                const profile = ['name', 'family_name', 'given_name', 'preferred_username', 'nickname'].filter((k) => idToken!.claims[k] !== undefined);
                c.should(profile.length > 0, 'the ID token of response_type id_token SHOULD carry the profile scope\'s claims, and has none');
                return `profile claims in the ID token: ${profile.join(', ')}`;
              }, { soft: true });
            }
          }
        }
        const rs = ctx.target.resourceServer;
        if (rs && params.access_token && scopeTokens(resourceScope(ctx.target)).every((t) => scopeTokens(request.scope).includes(t))) {
          await ctx.check('access-token-accepted-resource-server', async (c) => {
            c.expectStatus(await ctx.http.get(rs, { bearer: params.access_token }), 200);
          }, { soft: true, args: { type } });
        }
      }
      // OAuth 2.0 Form Post Response Mode §2, in the session the consent opened.
      const first = ctx.state.outcomes![0]?.request;
      if (first) await checkFormPost(ctx, 'form-post-response-mode-posts-response', implicitRequest(ctx.target, client, first.params.response_type!), ctx.target.user('user'));
    }, {
      key: 'authorization-response',
      needs: { outcomes: 'an authorization response' },
      checks: {
        ...idTokenChecks({ tagged: true }),
        'response-carries-expires-in': { name: 'the response to "{type}" carries expires_in', spec: 'RFC 6749 §4.2.2', severity: 'warning' },
        'userinfo-sub-equals-id-token-sub': { name: 'UserInfo sub for the access token of "{type}" equals the ID token sub', spec: 'OIDC Core §5.3.2' },
        'id-token-only-carries-scope-claims': { name: 'the ID token of response_type id_token carries the claims of the profile scope', spec: 'OIDC Core §5.4', severity: 'warning' },
        'form-post-response-mode-posts-response': { name: 'response_mode=form_post posts the response to the redirect_uri, nothing in its URL', spec: 'OAuth 2.0 Form Post Response Mode §2' },
        'response-comes-fragment-state': { name: 'the response to "{type}" comes in the fragment with the state', spec: 'RFC 6749 §4.2.2, OAuth 2.0 Multiple Response Types §5' },
        'response-carries-bearer-access-token': { name: 'the response to "{type}" carries a Bearer access token', spec: 'RFC 6749 §4.2.2' },
        'no-refresh-token-comes-from-authorization-endpoint': { name: 'no refresh token comes from the authorization endpoint ("{type}")', spec: 'RFC 6749 §4.2.2' },
        'response-carries-id-token': { name: 'the response to "{type}" carries an ID token', spec: 'OIDC Core §3.2.2.5' },
        'access-token-accepted-resource-server': { name: 'the access token of "{type}" is accepted by the resource server', spec: 'RFC 6750 §2.1' },
      },
    }),
  ],
});
