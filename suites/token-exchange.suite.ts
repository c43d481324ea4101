/**
 * Token exchange (RFC 8693), diagrams/token-exchange.mmd: the client application gets the
 * user's access token (code + PKCE) and calls the API Service; the API Service (the role
 * "exchanger") exchanges it at the token endpoint for a token scoped to the Downstream API
 * (§2.1 audience), once on its own and once as the user's delegate (actor_token, §4.1 act),
 * and calls the Downstream API with it. The harness plays both services.
 *
 * Failures only where RFC 8693 has a MUST: issued_token_type, token_type (§2.2.1); an invalid or
 * expired subject token, or a malformed request, refused with invalid_request (§2.1, §2.2.2).
 * What the RFC leaves to the AS is a warning: invalid_target for an unknown audience (SHOULD),
 * the act claim, no scope widening and no exchange of another client's own token (§5, policy).
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { defineFlow, step, type CheckScope, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { exchangeCode, isJwt, tamperToken } from './lib/token-request.ts';
import { introspect } from './lib/token-endpoints.ts';
import { accessTokenType, downstreamAudienceOf, exchange, exchangerOf, scopeList, tokenExchangeGrantType } from './lib/token-exchange-request.ts';
import { codeFlowClient } from './lib/code-flow-client.ts';

interface State {
  client: TargetClient;
  exchanger: TargetClient;
  audience: string;
  request: CodeRequest;
  code: string;
  grant: HttpResponse;
  subjectToken: string;
  subjectScope: string[];
  /** The exchange of the user's token for the downstream audience (§2.1). */
  exchanged: HttpResponse;
  /** The same exchange with the API Service's own token as actor_token (delegation, §1.1). */
  delegated?: HttpResponse;
}

/** The client application: confidential, else public. */
function clientOf(target: Target): TargetClient | undefined {
  return codeFlowClient(target, ['confidential', 'public']);
}

function applicable(target: Target): true | { reason: string } {
  if (!target.capabilities.grantTypes.includes(tokenExchangeGrantType)) return { reason: `grant_types_supported does not list ${tokenExchangeGrantType} (RFC 8693)` };
  if (!exchangerOf(target)) return { reason: `the target config has no client with role "exchanger" allowed ${tokenExchangeGrantType}` };
  if (!clientOf(target)) return { reason: 'the target has no client with role "confidential" or "public" to get the user\'s access token' };
  if (!downstreamAudienceOf(target)) return { reason: 'the config names no audience to exchange for (options.tokenExchangeAudience)' };
  return true;
}

/** A refusal with the error §2.2.2 gives: invalid_request, never a token. */
function expectInvalidRequest(c: CheckScope, res: HttpResponse): void {
  c.expectOAuthError(res, 'invalid_request');
}

/** The longest wait for a token to expire in the expired-subject-token check (the step timeout is 60 s). */
const maxExpiryWaitSeconds = 20;

export default defineFlow<State>({
  id: 'token-exchange',
  title: 'Token exchange (RFC 8693)',
  diagram: 'diagrams/token-exchange.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  steps: [
    step('User', 'Authorization Server', 'Signs in and approves the application', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      ctx.state.exchanger = exchangerOf(ctx.target)!;
      ctx.state.audience = downstreamAudienceOf(ctx.target)!;
      // The user's token carries the resource scope and openid, so that an exchange can narrow it.
      const scope = scopeFor(ctx.target, client, ['openid', resourceScope(ctx.target)]);
      const request = codeRequest(ctx.target, client, { scope });
      ctx.state.request = request;
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (!code) throw new Error(`no authorization code came back (${outcome.kind === 'redirect' ? `parameters ${Object.keys(outcome.params).join(', ')}` : `the browser stopped on "${outcome.title}"`})`);
      ctx.state.code = code;
    }, { key: 'authorize' }),

    step('Client Application', 'Authorization Server', 'Exchanges the code with PKCE', async (ctx) => {
      ctx.state.grant = await exchangeCode(ctx, ctx.state.request, ctx.state.code);
    }, { key: 'code-exchange', needs: { code: 'an authorization code' } }),

    step('Authorization Server', 'Client Application', "The user's access token", (ctx) => {
      const res = ctx.state.grant;
      if (res.status !== 200 || typeof res.json?.access_token !== 'string') throw new Error(`the code exchange got HTTP ${res.status} and no access_token`);
      ctx.state.subjectToken = res.json.access_token;
      ctx.state.subjectScope = scopeList(res.json.scope ?? ctx.state.request.scope);
    }, { key: 'user-token', needs: { grant: 'the token response to the code' } }),

    step('Client Application', 'API Service', "Calls the API with the user's access token", async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable('the target has no resource server (resourceServer in the config) to play the API Service');
      const res = await ctx.http.get(rs, { bearer: ctx.state.subjectToken });
      if (res.status !== 200) throw new Error(`the API Service refused the user's access token (HTTP ${res.status})`);
    }, { key: 'api-call', needs: { subjectToken: "the user's access token" } }),

    step('API Service', 'Authorization Server', 'Token exchange (subject_token, audience, actor_token)', async (ctx) => {
      const { exchanger, audience, subjectToken, subjectScope } = ctx.state;
      const narrowed = scopeFor(ctx.target, ctx.state.client, [resourceScope(ctx.target)]) || undefined;
      const base = { subject_token: subjectToken, subject_token_type: accessTokenType, audience, scope: narrowed };

      // §2.1: subject_token is REQUIRED; §2.2.2: an invalid request MUST get invalid_request.
      await ctx.check('missing-subject-token-refused', async (c) => {
        expectInvalidRequest(c, await exchange(ctx, exchanger, { subject_token_type: accessTokenType, audience }));
      }, { soft: true });
      // §2.1: actor_token_type is REQUIRED when actor_token is present.
      await ctx.check('actor-token-without-type-refused', async (c) => {
        expectInvalidRequest(c, await exchange(ctx, exchanger, { ...base, actor_token: subjectToken }));
      }, { soft: true });
      // §2.1: the AS MUST validate the subject token for its type; §2.2.2: invalid is invalid_request.
      await ctx.check('tampered-subject-token-refused', async (c) => {
        expectInvalidRequest(c, await exchange(ctx, exchanger, { ...base, subject_token: tamperToken(subjectToken) }));
      }, { soft: true });
      // §2.2.2: a target the AS will not issue for SHOULD get invalid_target.
      await ctx.check('unknown-audience-invalid-target', async (c) => {
        const res = await exchange(ctx, exchanger, { ...base, audience: `https://nauthera-unknown.invalid/api-${Date.now()}` });
        c.evidence(res);
        c.should(res.status === 400 && res.json?.error === 'invalid_target', `an audience the AS does not serve: HTTP ${res.status}${res.json?.error ? ` error ${JSON.stringify(res.json.error)}` : ''}; §2.2.2 says invalid_target SHOULD be used`);
        return `HTTP ${res.status}${res.json?.error ? ` ${res.json.error}` : ''}`;
      }, { soft: true });
      // §5 and §2.2.2 "unacceptable based on policy": another client's own token names no user the
      // API Service could act for; if refused, the error MUST be invalid_request.
      await ctx.check('another-clients-own-token-refused', async (c) => {
        const service = ctx.target.findClient('service');
        if (!service || !service.grant_types.includes('client_credentials')) c.notApplicable('the target has no "service" client to get another client\'s own token from');
        const own = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'client_credentials', scope: service!.scope }, { client: service! });
        if (own.status !== 200 || typeof own.json?.access_token !== 'string') c.notApplicable(`client ${service!.client_id} got no client_credentials token (HTTP ${own.status})`);
        const res = await exchange(ctx, exchanger, { ...base, subject_token: own.json.access_token, scope: undefined });
        c.evidence(res);
        if (res.status === 200) {
          c.should(false, `client ${exchanger.client_id} exchanged client ${service!.client_id}'s own client_credentials token (no user) for a token of its own`);
          return 'exchanged';
        }
        expectInvalidRequest(c, res);
      }, { soft: true });
      // §5: scope restricts delegated rights; RFC 6749 §3.3 lets the AS grant less than asked, never more.
      await ctx.check('scope-widening-refused', async (c) => {
        const wider = ['api:write', 'nauthera:wider'].find((s) => !subjectScope.includes(s))!;
        const res = await exchange(ctx, exchanger, { ...base, scope: [...subjectScope, wider].join(' ') });
        c.evidence(res);
        if (res.status !== 200) return `refused with HTTP ${res.status}${res.json?.error ? ` ${res.json.error}` : ''}`;
        const granted = res.json?.scope === undefined ? [...subjectScope, wider] : scopeList(res.json.scope);
        const beyond = granted.filter((s) => !subjectScope.includes(s));
        c.should(beyond.length === 0, `the exchanged token was granted ${beyond.join(' ')}, beyond the subject token's scope "${subjectScope.join(' ')}"`);
        return `granted "${granted.join(' ')}"`;
      }, { soft: true });
      // §2.1: the AS MUST validate the subject token, so an expired one is refused (invalid_request, §2.2.2).
      // An expired token is the API Service's own exchanged token after its expires_in.
      await ctx.check('expired-subject-token-refused', async (c) => {
        const first = await exchange(ctx, exchanger, base);
        if (first.status !== 200 || typeof first.json?.access_token !== 'string') c.notApplicable(`the exchange to get a token that expires answered HTTP ${first.status}`);
        const lifetime = first.json.expires_in;
        if (typeof lifetime !== 'number' || lifetime > maxExpiryWaitSeconds) c.notApplicable(`the exchanged token lives ${JSON.stringify(lifetime)} s; the check waits at most ${maxExpiryWaitSeconds} s (give the exchanger client a short access token lifetime)`);
        await ctx.wait((lifetime + 1.5) * 1000);
        expectInvalidRequest(c, await exchange(ctx, exchanger, { ...base, subject_token: first.json.access_token }));
      }, { soft: true });

      // The exchange itself, last: a token that lives seconds stays valid for the next arrows.
      const exchanged = await exchange(ctx, exchanger, base);
      await ctx.check('subject-token-exchanged', (c) => {
        c.expectStatus(exchanged, 200);
        c.expect(exchanged.json?.access_token, 'access_token').toBeNonEmptyString();
      });
      ctx.state.exchanged = exchanged;
      // §1.1 delegation: the API Service's own token as actor_token.
      if (exchanger.grant_types.includes('client_credentials')) {
        const own = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'client_credentials', scope: exchanger.scope }, { client: exchanger });
        if (typeof own.json?.access_token === 'string') {
          ctx.state.delegated = await exchange(ctx, exchanger, { ...base, actor_token: own.json.access_token, actor_token_type: accessTokenType });
        }
      }
    }, {
      key: 'exchange',
      needs: { subjectToken: "the user's access token" },
      checks: {
        'missing-subject-token-refused': { name: 'a token exchange without subject_token is refused with invalid_request', spec: 'RFC 8693 §2.1, §2.2.2' },
        'actor-token-without-type-refused': { name: 'an actor_token without actor_token_type is refused with invalid_request', spec: 'RFC 8693 §2.1, §2.2.2' },
        'tampered-subject-token-refused': { name: 'a subject token with a broken signature is refused with invalid_request', spec: 'RFC 8693 §2.1, §2.2.2' },
        'unknown-audience-invalid-target': { name: 'an audience the AS does not serve is refused with invalid_target', spec: 'RFC 8693 §2.2.2', severity: 'warning' },
        'another-clients-own-token-refused': { name: "another client's own token (client_credentials) is not exchanged; refused with invalid_request", spec: 'RFC 8693 §2.2.2, §5' },
        'scope-widening-refused': { name: "an exchange asking for more than the subject token's scope gets no more", spec: 'RFC 8693 §5, RFC 6749 §3.3', severity: 'warning' },
        'expired-subject-token-refused': { name: 'an expired subject token is refused with invalid_request', spec: 'RFC 8693 §2.1, §2.2.2' },
        'subject-token-exchanged': { name: "the user's access token is exchanged for a token for the downstream audience", spec: 'RFC 8693 §2.1, §2.2.1' },
      },
    }),

    step('Authorization Server', 'API Service', 'Issued token (issued_token_type, act)', async (ctx) => {
      const json = ctx.state.exchanged.json ?? {};
      // §2.2.1: access_token, issued_token_type and token_type are REQUIRED.
      await ctx.check('issued-token-type-token-type-present', (c) => {
        c.evidence(ctx.state.exchanged);
        c.expect(json.issued_token_type, 'issued_token_type').toBeNonEmptyString();
        c.expect(json.token_type, 'token_type').toBeNonEmptyString();
        // §2.2.1: token_type is N_A unless the issued token is an access token; ours is.
        if (json.issued_token_type === accessTokenType) c.expect(String(json.token_type).toLowerCase(), 'token_type of an access token (RFC 6750 §6.1.1)').toBe('bearer');
      }, { soft: true });
      // §4.1: act names the acting party of a delegation (a JWT claim; an opaque token shows it to nobody).
      await ctx.check('delegated-token-names-actor', (c) => {
        const res = ctx.state.delegated;
        if (!res) c.notApplicable('the exchanger has no client_credentials token to be the actor_token');
        c.evidence(res);
        if (res!.status !== 200) c.notApplicable(`the delegation exchange was refused (HTTP ${res!.status}); an AS may refuse delegation`);
        const token = res!.json?.access_token;
        if (typeof token !== 'string' || !isJwt(token)) c.notApplicable('the delegated token is not a JWT whose act could be read');
        const act = decodeJwt(token).act;
        if (act !== undefined && (typeof act !== 'object' || act === null || Array.isArray(act))) c.fail(`act: expected a JSON object (§4.1), got ${JSON.stringify(act)}`);
        c.should(act !== undefined, 'the delegated token has no act claim naming the actor (RFC 8693 §4.1)');
        return act ? `act ${JSON.stringify(act)}` : undefined;
      }, { soft: true });
    }, {
      key: 'issued-token',
      needs: { exchanged: 'the token exchange response' },
      checks: {
        'issued-token-type-token-type-present': { name: 'the exchange response carries issued_token_type and token_type', spec: 'RFC 8693 §2.2.1' },
        'delegated-token-names-actor': { name: 'a delegated token names its actor in act', spec: 'RFC 8693 §4.1', severity: 'warning' },
      },
    }),

    step('API Service', 'Downstream API', 'Calls with the exchanged token', async (ctx) => {
      const { exchanged, audience, exchanger } = ctx.state;
      const token = exchanged.json.access_token as string;
      // The harness is the Downstream API: it trusts the token as a resource server would (RFC 9068
      // §4 for a JWT, RFC 7662 for an opaque one) and expects its own audience (RFC 8707 §2, SHOULD).
      await ctx.check('downstream-accepts-exchanged-token', async (c) => {
        let aud: unknown;
        if (isJwt(token)) {
          const jwksUri = ctx.target.endpoint('jwks_uri');
          const jwks = await ctx.http.get(jwksUri);
          c.expectStatus(jwks, 200);
          try {
            ({ payload: { aud } } = await jwtVerify(token, createLocalJWKSet(jwks.json), { issuer: ctx.target.issuer }));
          } catch (error) {
            c.fail(`the exchanged JWT does not verify with ${jwksUri} and issuer ${ctx.target.issuer}: ${(error as Error).message}`);
          }
        } else {
          if (!ctx.target.capabilities.introspection) c.notApplicable('the exchanged token is opaque and the AS has no introspection endpoint');
          const answer = await introspect(ctx, token, exchanger);
          c.expect(answer.json?.active, 'active (introspection)').toBe(true);
          aud = answer.json?.aud;
        }
        const audiences = Array.isArray(aud) ? aud : [aud];
        c.should(audiences.includes(audience), `aud of the exchanged token: expected ${JSON.stringify(audience)} (the audience asked for), got ${JSON.stringify(aud)}`);
        return `aud ${JSON.stringify(aud)}`;
      }, { soft: true });
    }, {
      key: 'downstream-call',
      needs: { exchanged: 'the exchanged token' },
      checks: {
        'downstream-accepts-exchanged-token': { name: 'the Downstream API accepts the exchanged token, issued for its audience', spec: 'RFC 8693 §2.1, RFC 8707 §2, RFC 9068 §4' },
      },
    }),
  ],
});
