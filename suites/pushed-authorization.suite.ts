/**
 * Pushed Authorization Requests (RFC 9126): the first "oauh2" diagram of seed 000, whose
 * "Request Token" is the request_uri the AS returns for a pushed request. The client pushes
 * its authorization request, sends the browser with only client_id and request_uri, and
 * exchanges the code. The request_uri must be bound to its client and used once (§2.2, §4).
 */
import { defineFlow, step, withQuery, type AuthorizeOutcome, type CheckScope, type FlowContext, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, describeNoCode, type CodeRequest } from './lib/authorization-request.ts';
import { expectSameState } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { resourceSteps } from './lib/resource-request.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, otherCodeClient } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  push: HttpResponse;
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
      ctx.state.push = await push(ctx, client, request.params);
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
    }, {
      key: 'par',
      checks: {
        'pushed-authorization-request-accepted': { name: 'the pushed authorization request is accepted', spec: 'RFC 9126 §2.1-2.2' },
        'request-uri-inside-pushed-request-refused': { name: 'a request_uri inside a pushed request is refused', spec: 'RFC 9126 §2.1, §2.3' },
        'pushed-request-unregistered-redirect-uri-refused': { name: 'a pushed request with an unregistered redirect_uri is refused', spec: 'RFC 9126 §2.1, §2.3, RFC 6749 §3.1.2.4' },
        'pushed-request-bad-client-authentication-refused-invalid': { name: 'a pushed request with bad client authentication is refused with invalid_client', spec: 'RFC 9126 §2.1, RFC 6749 §5.2' },
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
    }, {
      key: 'par-response',
      needs: { push: 'the pushed request' },
      checks: {
        'answer-201-request-uri-lifetime': { name: 'the answer is 201 with a request_uri and its lifetime', spec: 'RFC 9126 §2.2' },
        'request-uri-urn-par-namespace': { name: 'the request_uri is a URN of the PAR namespace', spec: 'RFC 9126 §2.2', severity: 'warning' },
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
        return expectNoCode(c, await ctx.browser.authorize(authorizationUrl(ctx.target, other!.client_id, own.json.request_uri), { user }));
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
      const { request, url } = ctx.state;
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
    }, {
      key: 'sign-in',
      needs: { url: 'an authorization URL with a request_uri' },
      checks: {
        'pushed-request-authorized-code-returned': { name: 'the pushed request is authorized and a code returned', spec: 'RFC 9126 §4, RFC 6749 §4.1.2' },
        'state-pushed-request-echoed': { name: 'the state of the pushed request is echoed', spec: 'RFC 6749 §4.1.2, §10.12' },
        'used-request-uri-refused': { name: 'a used request_uri is refused', spec: 'RFC 9126 §4', severity: 'warning' },
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
