/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0), diagrams/logout.mmd: the user
 * signs in (code + PKCE, scope openid), the client sends the browser to the end_session_endpoint
 * first with a post_logout_redirect_uri it never registered, then with id_token_hint, its
 * registered post_logout_redirect_uri and state; afterwards an authorization request with
 * prompt=none must find no session (OIDC Core §3.1.2.6 login_required).
 *
 * A failure only where the specs have a MUST: no redirection to an unregistered
 * post_logout_redirect_uri (§3, §4). Redirection itself, state echoed and the session actually
 * ended are what §2 and §3 describe without a MUST keyword: warnings. An OP that asks the user
 * to confirm the logout passes: the browser confirms it with the config's login.interactions.
 */
import { defineFlow, step, type AuthorizeOutcome, type HttpResponse, type Target, type TargetClient, randomValue } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { promptNoneErrors } from './lib/authorization-response.ts';
import { exchangeCode } from './lib/token-request.ts';
import { codeFlowClient } from './lib/code-flow-client.ts';

interface State {
  client: TargetClient;
  postLogoutUri: string;
  request: CodeRequest;
  code: string;
  grant: HttpResponse;
  idToken: string;
  logoutState: string;
  logout: AuthorizeOutcome;
}

/** The client application: a code-flow client (confidential, else public) that registered a post-logout redirect URI. */
function clientOf(target: Target): TargetClient | undefined {
  return codeFlowClient(target, ['confidential', 'public'], (c) => Boolean(c.post_logout_redirect_uris?.length));
}

function applicable(target: Target): true | { reason: string } {
  if (!target.metadata.end_session_endpoint) return { reason: 'the discovery document has no end_session_endpoint (OIDC RP-Initiated Logout 1.0 §2.1)' };
  if (!clientOf(target)) return { reason: 'the target config has no "confidential" or "public" code-flow client with post_logout_redirect_uris (OIDC RP-Initiated Logout 1.0 §3.1)' };
  return true;
}

function endSessionUrl(target: Target, params: Record<string, string>): string {
  const url = new URL(target.metadata.end_session_endpoint as string);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export default defineFlow<State>({
  id: 'logout',
  title: 'RP-Initiated Logout (OpenID Connect)',
  diagram: 'diagrams/logout.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  steps: [
    step('User', 'Authorization Server', 'Signs in and approves the application', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      ctx.state.postLogoutUri = client.post_logout_redirect_uris![0]!;
      const request = codeRequest(ctx.target, client, { scope: 'openid', nonce: true });
      ctx.state.request = request;
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (!code) throw new Error(`no authorization code came back (${outcome.kind === 'redirect' ? `parameters ${Object.keys(outcome.params).join(', ')}` : `the browser stopped on "${outcome.title}"`})`);
      ctx.state.code = code;
    }, { key: 'authorize' }),

    step('Client Application', 'Authorization Server', 'Exchanges the code for an ID token', async (ctx) => {
      const res = await exchangeCode(ctx, ctx.state.request, ctx.state.code);
      ctx.state.grant = res;
      if (res.status !== 200 || typeof res.json?.id_token !== 'string') throw new Error(`the code exchange got HTTP ${res.status} and no id_token`);
      ctx.state.idToken = res.json.id_token;
    }, { key: 'code-exchange', needs: { code: 'an authorization code' } }),

    step('Client Application', 'Authorization Server', 'Sends the user to log out with an unregistered post_logout_redirect_uri', async (ctx) => {
      const unregistered = new URL(`/nauthera-unregistered-${randomValue()}`, ctx.state.postLogoutUri).href;
      await ctx.check('unregistered-post-logout-uri-not-redirected', async (c) => {
        const url = endSessionUrl(ctx.target, { id_token_hint: ctx.state.idToken, post_logout_redirect_uri: unregistered, state: randomValue() });
        c.expectNoRedirect(await ctx.browser.authorize(url, { redirectUris: [unregistered] }), unregistered);
      }, { soft: true });
    }, {
      key: 'unregistered-logout-redirect',
      needs: { idToken: 'an ID token for id_token_hint' },
      checks: {
        'unregistered-post-logout-uri-not-redirected': { name: 'the OP does not redirect to a post_logout_redirect_uri the client did not register', spec: 'OIDC RP-Initiated Logout 1.0 §3, §4' },
      },
    }),

    step('Client Application', 'Authorization Server', 'Sends the user to the end_session_endpoint (id_token_hint, post_logout_redirect_uri, state)', async (ctx) => {
      ctx.state.logoutState = randomValue();
      const url = endSessionUrl(ctx.target, { id_token_hint: ctx.state.idToken, post_logout_redirect_uri: ctx.state.postLogoutUri, state: ctx.state.logoutState });
      // An OP that asks the user to confirm (§2 SHOULD ask) is answered by the config's login.interactions.
      ctx.state.logout = await ctx.browser.authorize(url, { redirectUris: [ctx.state.postLogoutUri] });
    }, { key: 'end-session', needs: { idToken: 'an ID token for id_token_hint' } }),

    step('Authorization Server', 'Client Application', 'Redirects to the post_logout_redirect_uri with state', async (ctx) => {
      await ctx.check('post-logout-redirect-with-state', (c) => {
        const outcome = ctx.state.logout;
        c.evidence(outcome);
        const redirected = outcome.kind === 'redirect' && outcome.redirectUri === new URL(ctx.state.postLogoutUri).origin + new URL(ctx.state.postLogoutUri).pathname;
        c.should(redirected, `the browser was not sent to the registered post_logout_redirect_uri ${ctx.state.postLogoutUri} (${outcome.kind === 'redirect' ? `it went to ${outcome.redirectUri}` : `it stopped on "${outcome.title}"`}); §3 describes the redirection after logout`);
        if (!redirected) return undefined;
        const state = (outcome as { params: Record<string, string> }).params.state;
        c.should(state === ctx.state.logoutState, `state: the value sent ${state === undefined ? 'did not come back' : 'came back changed'}; §2 says the OP passes it back when redirecting`);
        return 'redirected with state';
      }, { soft: true });
    }, {
      key: 'post-logout-redirect',
      needs: { logout: 'the end-session request' },
      checks: {
        'post-logout-redirect-with-state': { name: 'the OP redirects to the registered post_logout_redirect_uri and passes state back', spec: 'OIDC RP-Initiated Logout 1.0 §2, §3', severity: 'warning' },
      },
    }),

    step('User', 'Authorization Server', 'Asks again with prompt=none', async (ctx) => {
      await ctx.check('session-ended', async (c) => {
        const again = codeRequest(ctx.target, ctx.state.client, { scope: 'openid', extra: { prompt: 'none' } });
        const outcome = await ctx.browser.authorize(again.url);
        c.evidence(outcome);
        const error = outcome.kind === 'redirect' ? outcome.params.error : undefined;
        c.should(error !== undefined && (promptNoneErrors as readonly string[]).includes(error), `after the logout, prompt=none got ${outcome.kind === 'redirect' ? (error ? `error ${error}` : `a response with ${Object.keys(outcome.params).join(', ')}`) : `the page "${outcome.title}"`}, not login_required: the session at the OP was not ended (§2)`);
        return error ? `error ${error}` : undefined;
      }, { soft: true });
    }, {
      key: 'session-ended',
      needs: { logout: 'the end-session request' },
      checks: {
        'session-ended': { name: 'after the logout, an authorization request with prompt=none finds no session', spec: 'OIDC RP-Initiated Logout 1.0 §2, OIDC Core §3.1.2.6', severity: 'warning' },
      },
    }),
  ],
});
