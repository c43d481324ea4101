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
import { defineFlow, step, type CheckScope, type HttpResponse, type Severity, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, freshCode, type CodeRequest } from './lib/authorization-request.ts';
import { hasScope, offlineScope, resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, isJwt, otherCodeClient, refreshGrant, tamperToken } from './lib/token-request.ts';
import { decodeJwt } from 'jose';

interface State {
  client: TargetClient;
  request: CodeRequest;
  grant: HttpResponse;
  tokens: Record<string, any>;
  resource?: HttpResponse;
  tampered?: HttpResponse;
  revoked?: HttpResponse | { notApplicable: string };
  narrow?: HttpResponse | { notApplicable: string };
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
      await ctx.check({ name: 'the resource owner grants an authorization code', spec: 'RFC 6749 §4.1.2' }, (c) => {
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.state, 'state').toBe(request.state);
        code = params.code;
        c.expect(code, 'code').toBeNonEmptyString();
      });
      ctx.state.grant = await exchangeCode(ctx, request, code);
      await ctx.check({ name: 'the grant is presented at the token endpoint', spec: 'RFC 6749 §4.1.3' }, (c) => {
        c.evidence(ctx.state.grant);
        c.expect(ctx.state.grant.status, 'HTTP status').toBeLessThan(500);
      });
    }),

    step('Authorization Server', 'Client', '(B) Access Token & Refresh Token', async (ctx) => {
      const res = ctx.state.grant;
      await ctx.check({ name: 'an access token and a refresh token are issued', spec: 'RFC 6749 §1.5 (B), §5.1' }, (c) => {
        const json = expectTokenResponse(c, res);
        c.expect(json.refresh_token, 'refresh_token').toBeNonEmptyString();
        ctx.state.tokens = json;
      });
      await ctx.check({ name: 'the token response is not cacheable', spec: 'RFC 6749 §5.1', soft: true }, (c) => {
        expectNoStore(c, res);
      });
    }),

    step('Client', 'Resource Server', '(C) Access Token', async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      ctx.state.resource = await ctx.http.get(rs, { bearer: ctx.state.tokens.access_token });
      await ctx.check({ name: 'the access token is presented as a Bearer token', spec: 'RFC 6750 §2.1' }, (c) => {
        c.evidence(ctx.state.resource);
        c.expect(ctx.state.resource!.status, 'HTTP status').toBeLessThan(500);
      });
    }),

    step('Resource Server', 'Client', '(D) Protected Resource', async (ctx) => {
      const res = ctx.state.resource;
      if (!res) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      await ctx.check({ name: 'the protected resource is served for a valid access token', spec: 'RFC 6749 §1.5 (D), RFC 6750 §2.1' }, (c) => {
        c.expectStatus(res, 200);
        c.expect(res.text.length, 'length of the resource').toBeGreaterThan(0);
      });
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

      await ctx.check({ name: 'the resource server refuses a tampered access token', spec: 'RFC 6750 §3.1, RFC 9068 §4', soft: true }, async (c) => {
        ctx.state.tampered = await ctx.http.get(rs, { bearer: tamperToken(ctx.state.tokens.access_token) });
        return refused(ctx.state.tampered, c);
      });

      // A separate grant: revoking a token may revoke its whole grant (RFC 7009 §2.1), which (G) still needs.
      await ctx.check({ name: 'the resource server refuses a revoked access token', spec: 'RFC 7009 §2, RFC 6750 §3.1', soft: true }, async (c) => {
        const na = (reason: string) => { ctx.state.revoked = { notApplicable: reason }; return c.notApplicable(reason); };
        if (!ctx.target.capabilities.revocation) na('the discovery metadata has no revocation_endpoint');
        // The opaque client's tokens are introspected by the resource server, so their revocation reaches it.
        const revoking = ctx.target.findClient('opaque') ?? client;
        const fresh = await freshCode(ctx, revoking, { scope: scopeFor(ctx.target, revoking, ['openid', resourceScope(ctx.target)]) });
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
      });

      await ctx.check({ name: 'the resource server refuses a token without the scope it needs', spec: 'RFC 6750 §3.1, RFC 6749 §3.3', soft: true }, async (c) => {
        const needed = resourceScope(ctx.target);
        const scope = scopeFor(ctx.target, client, ['openid']);
        if (hasScope(scope, needed)) { ctx.state.narrow = { notApplicable: 'no scope without the resource scope' }; c.notApplicable('no scope without the resource scope'); }
        const fresh = await freshCode(ctx, client, { scope });
        const tokens = await exchangeCode(ctx, fresh.request, fresh.code);
        c.expectStatus(tokens, 200);
        if (hasScope(tokens.json.scope, needed)) c.fail(`asked for "${scope}", the AS granted "${tokens.json.scope}" with ${needed} anyway`);
        ctx.state.narrow = await ctx.http.get(rs, { bearer: tokens.json.access_token });
        return refused(ctx.state.narrow, c);
      });
    }),

    step('Resource Server', 'Client', '(F) Invalid Token Error', async (ctx) => {
      if (!ctx.target.resourceServer) return ctx.notApplicable('the target has no resource server (resourceServer in the config)');
      const { tampered, revoked, narrow } = ctx.state;
      await ctx.check({ name: 'a tampered access token is answered 401 invalid_token', spec: 'RFC 6750 §3.1', soft: true }, (c) => {
        if (!tampered) c.fail('no answer to the tampered token (see the previous step)');
        c.expectBearerError(tampered!, 'invalid_token');
      });
      await ctx.check({ name: 'a revoked access token is answered 401 invalid_token', spec: 'RFC 6750 §3.1', soft: true }, (c) => {
        if (!isResponse(revoked)) return c.notApplicable(revoked?.notApplicable ?? 'the revoked token was not sent (see the previous step)');
        c.expectBearerError(revoked, 'invalid_token');
      });
      await ctx.check({ name: 'too little scope is answered 403 insufficient_scope', spec: 'RFC 6750 §3.1', soft: true }, (c) => {
        if (!isResponse(narrow)) return c.notApplicable(narrow?.notApplicable ?? 'the narrow token was not sent (see the previous step)');
        c.expectBearerError(narrow, 'insufficient_scope');
      });
    }),

    step('Client', 'Authorization Server', '(G) Refresh Token', async (ctx) => {
      const { client, tokens } = ctx.state;
      const res = await refreshGrant(ctx, client, tokens.refresh_token);
      ctx.state.refresh = res;
      await ctx.check({ name: 'the refresh token is accepted for new tokens', spec: 'RFC 6749 §6' }, (c) => {
        ctx.state.refreshed = expectTokenResponse(c, res);
      });
      const latest = (ctx.state.refreshed.refresh_token as string | undefined) ?? tokens.refresh_token;
      // Before any reuse: reusing a rotated token would revoke the family and hide this answer.
      await ctx.check({ name: 'scope widening on refresh is refused with invalid_scope', spec: 'RFC 6749 §6, §5.2', soft: true }, async (c) => {
        const granted = String(tokens.scope ?? ctx.state.request.scope).split(' ');
        const extra = scopeFor(ctx.target, client, ['profile', 'email', 'api:write', 'groups']).split(' ').filter((s) => s && !granted.includes(s));
        if (extra.length === 0) c.notApplicable('every scope the client may ask for was granted: nothing to widen to');
        c.note('asked for', `${granted.join(' ')} ${extra[0]} (granted: ${granted.join(' ')})`);
        c.expectOAuthError(await refreshGrant(ctx, client, latest, [...granted, extra[0]].join(' ')), 'invalid_scope');
      });
      await ctx.check({ name: 'a refresh token presented by another client is refused with invalid_grant', spec: 'RFC 6749 §6, §10.4', soft: true }, async (c) => {
        const other = otherCodeClient(ctx.target, client);
        if (!other) c.notApplicable('the target has no second client to present it');
        c.note('presented by', `${other!.client_id} (${other!.role}); issued to ${client.client_id}`);
        c.expectOAuthError(await refreshGrant(ctx, other!, latest), 'invalid_grant');
      });
    }),

    step('Authorization Server', 'Client', '(H) Access Token & Optional Refresh Token', async (ctx) => {
      const { client, tokens, refreshed, refresh } = ctx.state;
      await ctx.check({ name: 'a new access token is issued', spec: 'RFC 6749 §6, §5.1' }, (c) => {
        expectNoStore(c, refresh);
        c.expect(refreshed.access_token, 'access_token').not.toBe(tokens.access_token);
      });
      if (typeof refreshed.id_token === 'string' && typeof tokens.id_token === 'string') {
        await ctx.check({ name: 'a refreshed ID token keeps iss, sub and aud', spec: 'OIDC Core §12.2', soft: true }, (c) => {
          const before = decodeJwt(tokens.id_token);
          const after = decodeJwt(refreshed.id_token);
          c.expect(after.iss, 'iss').toBe(before.iss);
          c.expect(after.sub, 'sub').toBe(before.sub);
          c.expect(after.aud, 'aud').toEqual(before.aud);
        });
      }
      const rs = ctx.target.resourceServer;
      if (rs) {
        await ctx.check({ name: 'the resource server accepts the refreshed access token', spec: 'RFC 6749 §1.5, RFC 6750 §2.1', soft: true }, async (c) => {
          c.expectStatus(await ctx.http.get(rs, { bearer: refreshed.access_token }), 200);
        });
      }
      const severity = rotationSeverity(client);
      let reuseRefused = false;
      await ctx.check({ name: 'refresh token is rotated and the old one refused', spec: 'RFC 9700 §4.14.2, RFC 6749 §10.4', severity, soft: true }, async (c) => {
        c.expect(refreshed.refresh_token, 'new refresh_token').toBeNonEmptyString();
        c.expect(refreshed.refresh_token, 'new refresh_token').not.toBe(tokens.refresh_token);
        c.expectOAuthError(await refreshGrant(ctx, client, tokens.refresh_token), 'invalid_grant');
        reuseRefused = true;
      });
      await ctx.check({ name: 'reusing a rotated refresh token revokes its successor', spec: 'RFC 9700 §4.14.2', severity, soft: true }, async (c) => {
        if (!reuseRefused) c.notApplicable('the old refresh token was not refused, so no reuse was detected');
        c.expectOAuthError(await refreshGrant(ctx, client, refreshed.refresh_token), 'invalid_grant');
      });
    }),
  ],
});
