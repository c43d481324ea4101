/**
 * Refreshing an expired access token (RFC 6749 §1.5, figure 2; seed 003 "Flow Token"):
 * (A)/(B) a grant for an access and a refresh token, (C)/(D) the resource served, (E)/(F)
 * an access token the resource server must refuse (RFC 6750 §3.1), (G)/(H) the refresh,
 * with rotation and reuse detection (RFC 9700 §4.14.2) and no scope widening (RFC 6749 §6).
 *
 * The client is the public one when the target has it: a public client's refresh tokens
 * MUST rotate (or be sender-constrained, which the harness does not do) per RFC 9700
 * §4.14.2; for a confidential client rotation is only one of the allowed protections, so
 * the rotation checks are warnings then.
 */
import { defineFlow, step, parseWwwAuthenticate, randomValue, type CheckScope, type HttpResponse, type Severity, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { quickCode } from './lib/authorization-probe.ts';
import { expectSameState } from './lib/authorization-response.ts';
import { hasScope, offlineScope, resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, isJwt, otherCodeClient, refreshGrant, tamperToken } from './lib/token-request.ts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { checkJwtAccessToken, jwtAccessTokenChecks } from './lib/jwt-access-token.ts';
import { introspect, isActive, revoke } from './lib/token-endpoints.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  grant: HttpResponse;
  tokens: Record<string, any>;
  refreshToken: string;
  resource?: HttpResponse;
  tampered?: HttpResponse;
  revoked?: HttpResponse | { notApplicable: string };
  narrow?: HttpResponse | { notApplicable: string };
  /** (E): a request without any access token. */
  noToken?: HttpResponse;
  /** (E): the ID token of (B) presented as an access token. */
  idTokenAsAccessToken?: HttpResponse | { notApplicable: string };
  /** (E): the access token of (B) with its signature removed (alg none). */
  unsigned?: HttpResponse | { notApplicable: string };
  refresh: HttpResponse;
  refreshed: Record<string, any>;
}

function clientOf(target: Target): TargetClient | undefined {
  const usable = (c: TargetClient | undefined) => (c?.grant_types.includes('refresh_token') ? c : undefined);
  return usable(target.findClient('public')) ?? usable(target.findClient('confidential'));
}

/** RFC 9700 §4.14.2: rotation is a MUST for a public client without sender-constrained tokens. */
const rotationSeverity = (client: TargetClient): Severity => (client.token_endpoint_auth_method === 'none' ? 'failure' : 'warning');

const isResponse = (v: unknown): v is HttpResponse => typeof v === 'object' && v !== null && 'status' in v;

export default defineFlow<State>({
  id: 'refresh-token',
  title: 'Refreshing an access token (RFC 6749 figure 2)',
  diagram: 'diagrams/refresh-token.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code', 'refresh_token'] },
  applicable: (target) => (clientOf(target) ? true : { reason: 'the target has no client with role "public" or "confidential" that may use the refresh_token grant' }),
  state: () => ({}) as State,
  steps: [
    step('Client', 'Authorization Server', '(A) Authorization Grant', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      // A narrow grant (no profile), so that asking for profile on refresh is a widening.
      const wanted = ['openid', ...(ctx.target.resourceServer ? [resourceScope(ctx.target)] : [])];
      const { scope, prompt } = offlineScope(ctx.target, client, wanted);
      const request = codeRequest(ctx.target, client, { scope, prompt });
      ctx.state.request = request;
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      let code = '';
      await ctx.check('resource-owner-grants-authorization-code', (c) => {
        const params = c.expectAuthorizationResponse(outcome);
        code = params.code;
        c.expect(code, 'code').toBeNonEmptyString();
      });
      await ctx.check('authorization-response-state', (c) => {
        expectSameState(c, c.expectRedirect(outcome).params, request.state);
      }, { soft: true });
      ctx.state.grant = await exchangeCode(ctx, request, code);
    }, {
      key: 'a-grant',
      checks: {
        'resource-owner-grants-authorization-code': { name: 'the resource owner grants an authorization code', spec: 'RFC 6749 §4.1.2' },
        'authorization-response-state': { name: 'the authorization response carries the state of its request', spec: 'RFC 6749 §4.1.2' },
      },
    }),

    step('Authorization Server', 'Client', '(B) Access Token & Refresh Token', async (ctx) => {
      const res = ctx.state.grant;
      if (typeof res.json?.access_token === 'string') ctx.state.tokens = res.json;
      if (typeof res.json?.refresh_token === 'string') ctx.state.refreshToken = res.json.refresh_token;
      await ctx.check('access-token-refresh-token-issued', (c) => {
        const json = expectTokenResponse(c, res);
        c.expect(json.refresh_token, 'refresh_token').toBeNonEmptyString();
      }, { soft: true });
      await ctx.check('token-response-not-cacheable', (c) => {
        expectNoStore(c, res);
      }, { soft: true });
      await checkJwtAccessToken(ctx, res, { clientId: ctx.state.client.client_id, scope: res.json?.scope ?? ctx.state.request.scope });
    }, {
      key: 'b-tokens',
      needs: { grant: 'the token response to the grant' },
      checks: {
        ...jwtAccessTokenChecks,
        'access-token-refresh-token-issued': { name: 'an access token and a refresh token are issued', spec: 'RFC 6749 §1.5 (B), §5.1' },
        'token-response-not-cacheable': { name: 'the token response is not cacheable', spec: 'RFC 6749 §5.1' },
      },
    }),

    step('Client', 'Resource Server', '(C) Access Token', async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      ctx.state.resource = await ctx.http.get(rs, { bearer: ctx.state.tokens.access_token });
      // RFC 7235 §2.1: the authentication scheme is a case-insensitive token ("bearer" is "Bearer").
      await ctx.check('resource-server-accepts-scheme-any-case', async (c) => {
        c.expectStatus(await ctx.http.get(rs, { headers: { authorization: `bearer ${ctx.state.tokens.access_token}` } }), 200);
      }, { soft: true });
    }, {
      key: 'c-resource-request',
      needs: { tokens: 'an access token' },
      checks: {
        'resource-server-accepts-scheme-any-case': { name: 'the resource server accepts the Bearer scheme written in lower case', spec: 'RFC 6750 §2.1, RFC 7235 §2.1' },
      },
    }),

    step('Resource Server', 'Client', '(D) Protected Resource', async (ctx) => {
      const res = ctx.state.resource;
      if (!res) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      await ctx.check('protected-resource-served-valid-access-token', (c) => {
        c.expectStatus(res, 200);
        c.expect(res.text.length, 'length of the resource').toBeGreaterThan(0);
      });
    }, {
      key: 'd-resource',
      needs: { resource: "the resource server's answer" },
      checks: {
        'protected-resource-served-valid-access-token': { name: 'the protected resource is served for a valid access token', spec: 'RFC 6749 §1.5 (D), RFC 6750 §2.1' },
      },
    }),

    step('Client', 'Resource Server', '(E) Access Token', async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      const { client } = ctx.state;
      const refused = (res: HttpResponse | undefined, c: CheckScope) => {
        c.evidence(res);
        if (res && res.status >= 200 && res.status < 300) c.fail(`the resource server served the resource (HTTP ${res.status})`);
        return `refused with HTTP ${res?.status}`;
      };

      await ctx.check('resource-server-refuses-tampered-access-token', async (c) => {
        ctx.state.tampered = await ctx.http.get(rs, { bearer: tamperToken(ctx.state.tokens.access_token) });
        return refused(ctx.state.tampered, c);
      }, { soft: true });

      // A separate grant: revoking a token may revoke its whole grant (RFC 7009 §2.1), which (G) still needs.
      await ctx.check('resource-server-refuses-revoked-access-token', async (c) => {
        const na = (reason: string) => { ctx.state.revoked = { notApplicable: reason }; return c.notApplicable(reason); };
        if (!ctx.target.capabilities.revocation) na('the discovery metadata has no revocation_endpoint');
        // The opaque client's tokens are introspected by the resource server, so their revocation reaches it.
        const revoking = ctx.target.findClient('opaque') ?? client;
        const fresh = await quickCode(ctx, revoking, { scope: scopeFor(ctx.target, revoking, ['openid', resourceScope(ctx.target)]) });
        const tokens = await exchangeCode(ctx, fresh.request, fresh.code);
        c.expectStatus(tokens, 200);
        const accessToken = tokens.json.access_token as string;
        const revocation = await ctx.http.postForm(ctx.target.endpoint('revocation_endpoint'), { token: accessToken, token_type_hint: 'access_token' }, { client: revoking });
        c.expectStatus(revocation, 200);
        const res = await ctx.http.get(rs, { bearer: accessToken });
        ctx.state.revoked = res;
        if (res.status === 200 && isJwt(accessToken)) {
          na(`client ${revoking.client_id} gets self-contained JWT access tokens (RFC 9068), which the resource server verifies without asking the AS; give the target an "opaque" client to test revocation`);
        }
        return refused(res, c);
      }, { soft: true });

      await ctx.check('resource-server-refuses-token-without-scope-needs', async (c) => {
        const needed = resourceScope(ctx.target);
        const scope = scopeFor(ctx.target, client, ['openid']);
        if (hasScope(scope, needed)) { ctx.state.narrow = { notApplicable: 'no scope without the resource scope' }; c.notApplicable('no scope without the resource scope'); }
        const fresh = await quickCode(ctx, client, { scope });
        const tokens = await exchangeCode(ctx, fresh.request, fresh.code);
        c.expectStatus(tokens, 200);
        if (hasScope(tokens.json.scope, needed)) c.fail(`asked for "${scope}", the AS granted "${tokens.json.scope}" with ${needed} anyway`);
        ctx.state.narrow = await ctx.http.get(rs, { bearer: tokens.json.access_token });
        return refused(ctx.state.narrow, c);
      }, { soft: true });

      await ctx.check('resource-server-refuses-request-without-token', async (c) => {
        ctx.state.noToken = await ctx.http.get(rs);
        return refused(ctx.state.noToken, c);
      }, { soft: true });
      // RFC 9068 §4: the RS checks typ at+jwt and that aud names it; an ID token (aud = the client) passes neither.
      await ctx.check('resource-server-refuses-id-token-as-access-token', async (c) => {
        const idToken = ctx.state.tokens.id_token;
        if (typeof idToken !== 'string') { ctx.state.idTokenAsAccessToken = { notApplicable: 'the grant returned no ID token' }; c.notApplicable('the grant returned no ID token'); }
        if (!isJwt(String(ctx.state.tokens.access_token))) {
          const reason = 'the access tokens are opaque, so RFC 9068 §4 (typ at+jwt, aud) does not bind the resource server';
          ctx.state.idTokenAsAccessToken = { notApplicable: reason };
          c.notApplicable(reason);
        }
        ctx.state.idTokenAsAccessToken = await ctx.http.get(rs, { bearer: idToken });
        return refused(ctx.state.idTokenAsAccessToken, c);
      }, { soft: true });
      // RFC 9068 §4 and RFC 8725 §3.1: the RS validates the signature and never accepts alg none.
      await ctx.check('resource-server-refuses-unsigned-access-token', async (c) => {
        const token = String(ctx.state.tokens.access_token);
        if (!isJwt(token)) { ctx.state.unsigned = { notApplicable: 'the access token is opaque (not a JWT)' }; c.notApplicable('the access token is opaque (not a JWT)'); }
        const header = { ...decodeProtectedHeader(token), alg: 'none' };
        const unsigned = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${token.split('.')[1]}.`;
        c.note('header sent', JSON.stringify(header));
        ctx.state.unsigned = await ctx.http.get(rs, { bearer: unsigned });
        return refused(ctx.state.unsigned, c);
      }, { soft: true });
    }, {
      key: 'e-expired-token',
      needs: { tokens: 'an access token' },
      checks: {
        'resource-server-refuses-request-without-token': { name: 'the resource server refuses a request without an access token', spec: 'RFC 6750 §3' },
        'resource-server-refuses-id-token-as-access-token': { name: 'the resource server refuses an ID token presented as an access token', spec: 'RFC 9068 §4' },
        'resource-server-refuses-unsigned-access-token': { name: 'the resource server refuses the access token with its signature removed (alg none)', spec: 'RFC 9068 §4, RFC 8725 §3.1' },
        'resource-server-refuses-tampered-access-token': { name: 'the resource server refuses a tampered access token', spec: 'RFC 6750 §3.1, RFC 9068 §4' },
        'resource-server-refuses-revoked-access-token': { name: 'the resource server refuses a revoked access token', spec: 'RFC 7009 §2, RFC 6750 §3.1' },
        'resource-server-refuses-token-without-scope-needs': { name: 'the resource server refuses a token without the scope it needs', spec: 'RFC 6750 §3.1, RFC 6749 §3.3' },
      },
    }),

    step('Resource Server', 'Client', '(F) Invalid Token Error', async (ctx) => {
      if (!ctx.target.resourceServer) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      const { tampered, revoked, narrow } = ctx.state;
      await ctx.check('tampered-access-token-answered-401-invalid-token', (c) => {
        if (!tampered) c.fail('no answer to the tampered token (see the previous step)');
        c.expectBearerError(tampered!, 'invalid_token');
      }, { soft: true });
      await ctx.check('revoked-access-token-answered-401-invalid-token', (c) => {
        if (!isResponse(revoked)) return c.notApplicable(revoked?.notApplicable ?? 'the revoked token was not sent (see the previous step)');
        c.expectBearerError(revoked, 'invalid_token');
      }, { soft: true });
      await ctx.check('too-little-scope-answered-403-insufficient-scope', (c) => {
        if (!isResponse(narrow)) return c.notApplicable(narrow?.notApplicable ?? 'the narrow token was not sent (see the previous step)');
        c.expectBearerError(narrow, 'insufficient_scope');
      }, { soft: true });
      const { noToken, idTokenAsAccessToken, unsigned } = ctx.state;
      // RFC 6750 §3: the RS MUST send WWW-Authenticate; §3.1: with no credentials it SHOULD NOT name an error.
      await ctx.check('request-without-token-answered-bearer-challenge', (c) => {
        if (!noToken) c.fail('no answer to the request without a token (see the previous step)');
        c.evidence(noToken);
        if (noToken!.status < 400) c.fail(`expected a refusal, got HTTP ${noToken!.status}`);
        const challenge = parseWwwAuthenticate(noToken!.header('www-authenticate'));
        if (!challenge || challenge.scheme.toLowerCase() !== 'bearer') c.fail(`WWW-Authenticate: expected a Bearer challenge (RFC 6750 §3 MUST), got ${JSON.stringify(noToken!.header('www-authenticate') ?? '(none)')}`);
        c.should(noToken!.status === 401, `HTTP status: 401 is what a request without credentials gets (RFC 6750 §3.1, RFC 7235 §3.1), got ${noToken!.status}`);
        c.should(challenge!.params.error === undefined, `the challenge names error ${JSON.stringify(challenge!.params.error)}; RFC 6750 §3.1: a request without authentication SHOULD get no error code`);
        return `refused with HTTP ${noToken!.status} and ${noToken!.header('www-authenticate')}`;
      }, { soft: true });
      await ctx.check('id-token-as-access-token-answered-invalid-token', (c) => {
        if (!isResponse(idTokenAsAccessToken)) return c.notApplicable(idTokenAsAccessToken?.notApplicable ?? 'the ID token was not sent (see the previous step)');
        c.expectBearerError(idTokenAsAccessToken, 'invalid_token');
      }, { soft: true });
      await ctx.check('unsigned-access-token-answered-invalid-token', (c) => {
        if (!isResponse(unsigned)) return c.notApplicable(unsigned?.notApplicable ?? 'the unsigned token was not sent (see the previous step)');
        c.expectBearerError(unsigned, 'invalid_token');
      }, { soft: true });
    }, {
      key: 'f-invalid-token',
      checks: {
        'request-without-token-answered-bearer-challenge': { name: 'a request without an access token is answered with a Bearer challenge', spec: 'RFC 6750 §3, §3.1' },
        'id-token-as-access-token-answered-invalid-token': { name: 'an ID token presented as an access token is answered invalid_token', spec: 'RFC 6750 §3.1' },
        'unsigned-access-token-answered-invalid-token': { name: 'an unsigned access token is answered invalid_token', spec: 'RFC 6750 §3.1' },
        'tampered-access-token-answered-401-invalid-token': { name: 'a tampered access token is answered 401 invalid_token', spec: 'RFC 6750 §3.1' },
        'revoked-access-token-answered-401-invalid-token': { name: 'a revoked access token is answered 401 invalid_token', spec: 'RFC 6750 §3.1' },
        'too-little-scope-answered-403-insufficient-scope': { name: 'too little scope is answered 403 insufficient_scope', spec: 'RFC 6750 §3.1' },
      },
    }),

    step('Client', 'Authorization Server', '(G) Refresh Token', async (ctx) => {
      const { client, tokens, refreshToken } = ctx.state;
      const res = await refreshGrant(ctx, client, refreshToken);
      ctx.state.refresh = res;
      await ctx.check('refresh-token-accepted-new-tokens', (c) => {
        expectTokenResponse(c, res);
      }, { soft: true });
      if (typeof res.json?.access_token === 'string') ctx.state.refreshed = res.json;
      // The attacks below each use a refresh token of their own grant: an accepted widening rotates
      // its token, and a refused misuse may revoke it; either would falsify step H's rotation checks.
      const ownRefreshToken = async (c: CheckScope): Promise<{ token: string; scope: string }> => {
        const fresh = await quickCode(ctx, client, { scope: ctx.state.request.scope, prompt: ctx.state.request.params.prompt });
        const grant = await exchangeCode(ctx, fresh.request, fresh.code);
        const token = grant.json?.refresh_token;
        if (typeof token !== 'string') c.notApplicable(`a second grant gave no refresh token to test with (HTTP ${grant.status})`);
        return { token, scope: String(grant.json.scope ?? fresh.request.scope) };
      };
      let widened: HttpResponse | undefined;
      // RFC 6749 §6: the new scope MUST NOT include any scope not originally granted. The AS may refuse
      // (invalid_scope, §5.2) or ignore the extra scope (§3.3), returning the scope it granted.
      await ctx.check('scope-widening-refresh-refused-invalid-scope', async (c) => {
        const baseline = ctx.state.request.scope.split(' ');
        const extra = scopeFor(ctx.target, client, ['profile', 'email', 'api:write', 'groups']).split(' ').filter((s) => s && !baseline.includes(s) && !String(tokens.scope ?? '').split(' ').includes(s));
        if (extra.length === 0) c.notApplicable('every scope the client may ask for was granted: nothing to widen to');
        const own = await ownRefreshToken(c);
        const granted = own.scope.split(' ');
        const asked = [...granted, extra[0]].join(' ');
        c.note('asked for', `${asked} (granted: ${own.scope})`);
        widened = await refreshGrant(ctx, client, own.token, asked);
        if (widened.status >= 400) return `refused with HTTP ${widened.status}${widened.json?.error ? ` and error ${JSON.stringify(widened.json.error)}` : ''}`;
        c.expectStatus(widened, 200);
        // §5.1: scope may be left out only when it is the requested one, which here would be a widening.
        if (typeof widened.json?.scope !== 'string') c.fail(`the AS answered 200 without scope, i.e. granted "${asked}" as requested, more than the original "${own.scope}"`);
        const more = String(widened.json.scope).split(' ').filter((s) => s && !granted.includes(s));
        if (more.length > 0) c.fail(`the refreshed grant holds ${more.join(', ')}, which the original "${own.scope}" did not`);
        return `the AS ignored the extra scope and granted "${widened.json.scope}"`;
      }, { soft: true });
      await ctx.check('widening-refusal-invalid-scope', (c) => {
        if (!widened || widened.status < 400) c.notApplicable('the widening was not refused');
        c.expectOAuthError(widened!, 'invalid_scope');
      }, { soft: true });
      await ctx.check('refresh-token-presented-another-client-refused-invalid', async (c) => {
        const other = otherCodeClient(ctx.target, client);
        if (!other) c.notApplicable('the target has no second client to present it');
        const own = await ownRefreshToken(c);
        c.note('presented by', `${other!.client_id} (${other!.role}); issued to ${client.client_id}`);
        c.expectOAuthError(await refreshGrant(ctx, other!, own.token), 'invalid_grant');
      }, { soft: true });
      // RFC 6749 §5.2: invalid_grant for a refresh token that is "invalid, expired, revoked".
      await ctx.check('unknown-refresh-token-invalid-grant', async (c) => {
        c.expectOAuthError(await refreshGrant(ctx, client, `nauthera-unknown-${randomValue(24)}`), 'invalid_grant');
      }, { soft: true });
      // RFC 6749 §6: refresh_token is REQUIRED; §5.2: a missing parameter is invalid_request.
      await ctx.check('missing-refresh-token-invalid-request', async (c) => {
        c.expectOAuthError(await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'refresh_token' }, { client }), 'invalid_request');
      }, { soft: true });
      // RFC 7009 §2.1: a revoked refresh token is invalidated. A grant of the opaque client when there is
      // one, whose access token the resource server must ask the AS about.
      let revokedGrant: { access: string; holder: TargetClient; revocation: HttpResponse } | undefined;
      await ctx.check('revoked-refresh-token-refused-invalid-grant', async (c) => {
        if (!ctx.target.capabilities.revocation) c.notApplicable('the discovery metadata has no revocation_endpoint');
        const opaque = ctx.target.findClient('opaque');
        const holder = opaque?.grant_types.includes('refresh_token') ? opaque : client;
        const { scope, prompt } = offlineScope(ctx.target, holder, ['openid', ...(ctx.target.resourceServer ? [resourceScope(ctx.target)] : [])]);
        const fresh = await quickCode(ctx, holder, { scope, prompt });
        const grant = await exchangeCode(ctx, fresh.request, fresh.code);
        if (typeof grant.json?.refresh_token !== 'string') c.notApplicable(`client ${holder.client_id}'s grant gave no refresh token (HTTP ${grant.status})`);
        const revocation = await revoke(ctx, grant.json.refresh_token, holder, 'refresh_token');
        c.expectStatus(revocation, 200);
        revokedGrant = { access: grant.json.access_token, holder, revocation };
        c.expectOAuthError(await refreshGrant(ctx, holder, grant.json.refresh_token), 'invalid_grant');
      }, { soft: true });
      // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of its grant.
      await ctx.check('revoking-refresh-token-revokes-its-access-tokens', async (c) => {
        if (!revokedGrant) return c.notApplicable('no refresh token was revoked (see the check before)');
        const { access, holder } = revokedGrant;
        const rs = ctx.target.resourceServer;
        const confidential = holder.token_endpoint_auth_method !== 'none';
        if (confidential && ctx.target.capabilities.introspection && !isJwt(access)) {
          const res = await introspect(ctx, access, holder, 'access_token');
          c.evidence(res);
          c.should(!isActive(res), 'the access token of the revoked grant is still active at introspection');
          return isActive(res) ? 'the access token stays active' : 'the access token is no longer active';
        }
        if (rs && !isJwt(access)) {
          const res = await ctx.http.get(rs, { bearer: access });
          c.evidence(res);
          c.should(res.status >= 400, `the resource server still serves the access token of the revoked grant (HTTP ${res.status})`);
          return `the resource server answers HTTP ${res.status}`;
        }
        return c.notApplicable('the access token is a JWT the resource server verifies alone, and the client cannot introspect it');
      }, { soft: true });
    }, {
      key: 'g-refresh',
      needs: { refreshToken: 'a refresh token' },
      checks: {
        'refresh-token-accepted-new-tokens': { name: 'the refresh token is accepted for new tokens', spec: 'RFC 6749 §6' },
        'scope-widening-refresh-refused-invalid-scope': { name: 'a refresh asking for more scope grants no more than the original scope', spec: 'RFC 6749 §6, §3.3, §5.1' },
        'widening-refusal-invalid-scope': { name: 'a refused scope widening is answered with invalid_scope', spec: 'RFC 6749 §5.2' },
        'refresh-token-presented-another-client-refused-invalid': { name: 'a refresh token presented by another client is refused with invalid_grant', spec: 'RFC 6749 §6, §10.4' },
        'unknown-refresh-token-invalid-grant': { name: 'an unknown refresh token is refused with invalid_grant', spec: 'RFC 6749 §5.2, §6' },
        'missing-refresh-token-invalid-request': { name: 'a refresh request without refresh_token is refused with invalid_request', spec: 'RFC 6749 §6, §5.2' },
        'revoked-refresh-token-refused-invalid-grant': { name: 'a revoked refresh token is refused with invalid_grant', spec: 'RFC 7009 §2.1, RFC 6749 §5.2' },
        'revoking-refresh-token-revokes-its-access-tokens': { name: 'revoking a refresh token revokes the access tokens of its grant', spec: 'RFC 7009 §2.1', severity: 'warning' },
      },
    }),

    step('Authorization Server', 'Client', '(H) Access Token & Optional Refresh Token', async (ctx) => {
      const { client, tokens, refreshed, refresh } = ctx.state;
      await ctx.check('new-access-token-issued', (c) => {
        expectNoStore(c, refresh);
        c.expect(refreshed.access_token, 'access_token').not.toBe(tokens.access_token);
      }, { soft: true });
      if (typeof refreshed.id_token === 'string' && typeof tokens.id_token === 'string') {
        await ctx.check('refreshed-id-token-keeps-iss-sub-aud', (c) => {
          const before = decodeJwt(tokens.id_token);
          const after = decodeJwt(refreshed.id_token);
          c.expect(after.iss, 'iss').toBe(before.iss);
          c.expect(after.sub, 'sub').toBe(before.sub);
          c.expect(after.aud, 'aud').toEqual(before.aud);
        }, { soft: true });
      }
      // RFC 6749 §6: a refresh without scope is "treated as equal to the scope originally granted".
      await ctx.check('refresh-without-scope-grants-no-new-scope', (c) => {
        const original = String(tokens.scope ?? ctx.state.request.scope).split(' ');
        if (refreshed.scope === undefined) return 'the response names no scope: the original one';
        const more = String(refreshed.scope).split(' ').filter((s) => s && !original.includes(s));
        if (more.length > 0) c.fail(`the refreshed token holds ${more.join(', ')}, which the original grant "${original.join(' ')}" did not`);
        return `granted "${refreshed.scope}" (original "${original.join(' ')}")`;
      }, { soft: true });
      // OIDC Core §12.2, one rule each.
      const idTokens = (c: CheckScope) => {
        if (typeof refreshed.id_token !== 'string' || typeof tokens.id_token !== 'string') return c.notApplicable('the refresh response (or the first grant) has no ID token');
        const before = decodeJwt(tokens.id_token);
        const after = decodeJwt(refreshed.id_token);
        c.note('ID tokens (original, refreshed)', JSON.stringify({ before, after }, null, 2));
        return { before, after };
      };
      await ctx.check('refreshed-id-token-iat-new', (c) => {
        const { before, after } = idTokens(c);
        c.expect(after.iat, 'iat').toBeNumber();
        c.expect(after.iat, 'iat of the refreshed ID token').toBeGreaterThanOrEqual(Number(before.iat));
        c.expect(after.iat, 'iat of the refreshed ID token').toBeGreaterThan(Math.floor(Date.now() / 1000) - 300);
      }, { soft: true });
      await ctx.check('refreshed-id-token-auth-time-original', (c) => {
        const { before, after } = idTokens(c);
        if (after.auth_time === undefined) return c.notApplicable('the refreshed ID token has no auth_time');
        c.expect(after.auth_time, 'auth_time').toBe(before.auth_time);
      }, { soft: true });
      await ctx.check('refreshed-id-token-azp-same', (c) => {
        const { before, after } = idTokens(c);
        if (after.azp === undefined && before.azp === undefined) return c.notApplicable('neither ID token has azp');
        c.expect(after.azp, 'azp').toBe(before.azp);
      }, { soft: true });
      await ctx.check('refreshed-id-token-nonce', (c) => {
        const { before, after } = idTokens(c);
        if (after.nonce !== undefined) c.expect(after.nonce, 'nonce of the refreshed ID token').toBe(before.nonce);
        c.should(after.nonce === undefined, `the refreshed ID token carries a nonce (${JSON.stringify(after.nonce)}); OIDC Core §12.2 says it SHOULD NOT`);
        return after.nonce === undefined ? 'no nonce' : 'the original nonce';
      }, { soft: true });
      const rs = ctx.target.resourceServer;
      if (rs) {
        await ctx.check('resource-server-accepts-refreshed-access-token', async (c) => {
          c.expectStatus(await ctx.http.get(rs, { bearer: refreshed.access_token }), 200);
        }, { soft: true });
      }
      const severity = rotationSeverity(client);
      let reuseRefused = false;
      await ctx.check('refresh-token-rotated-old-one-refused', async (c) => {
        c.expect(refreshed.refresh_token, 'new refresh_token').toBeNonEmptyString();
        c.expect(refreshed.refresh_token, 'new refresh_token').not.toBe(tokens.refresh_token);
        c.expectOAuthError(await refreshGrant(ctx, client, tokens.refresh_token), 'invalid_grant');
        reuseRefused = true;
      }, { soft: true, severity });
      await ctx.check('rotated-refresh-token-reuse-revokes-successor', async (c) => {
        if (!reuseRefused) c.notApplicable('the old refresh token was not refused, so no reuse was detected');
        c.expectOAuthError(await refreshGrant(ctx, client, refreshed.refresh_token), 'invalid_grant');
      }, { soft: true, severity });
    }, {
      key: 'h-new-tokens',
      needs: { refreshed: 'a refresh response with an access token' },
      checks: {
        'new-access-token-issued': { name: 'a new access token is issued', spec: 'RFC 6749 §6, §5.1' },
        'refreshed-id-token-keeps-iss-sub-aud': { name: 'a refreshed ID token keeps iss, sub and aud', spec: 'OIDC Core §12.2' },
        'refresh-without-scope-grants-no-new-scope': { name: 'a refresh without scope grants no scope beyond the original', spec: 'RFC 6749 §6' },
        'refreshed-id-token-iat-new': { name: 'a refreshed ID token has the iat of its own issue', spec: 'OIDC Core §12.2' },
        'refreshed-id-token-auth-time-original': { name: 'a refreshed ID token keeps the auth_time of the original authentication', spec: 'OIDC Core §12.2' },
        'refreshed-id-token-azp-same': { name: 'a refreshed ID token keeps azp', spec: 'OIDC Core §12.2' },
        'refreshed-id-token-nonce': { name: 'a refreshed ID token has no nonce, or the original one', spec: 'OIDC Core §12.2' },
        'resource-server-accepts-refreshed-access-token': { name: 'the resource server accepts the refreshed access token', spec: 'RFC 6749 §1.5, RFC 6750 §2.1' },
        'refresh-token-rotated-old-one-refused': { name: 'refresh token is rotated and the old one refused', spec: 'RFC 9700 §4.14.2, RFC 6749 §10.4' },
        'rotated-refresh-token-reuse-revokes-successor': { name: 'reusing a rotated refresh token revokes its successor', spec: 'RFC 9700 §4.14.2' },
      },
    }),
  ],
});
