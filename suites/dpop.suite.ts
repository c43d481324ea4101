/**
 * DPoP (RFC 9449), diagrams/dpop.mmd: the client (public, else confidential) exchanges its code
 * with PKCE and a DPoP proof, follows the nonce round trip when the AS asks (§8), gets a token
 * bound to its key (token_type DPoP §5, cnf.jkt §6), calls the resource server with
 * `Authorization: DPoP` and a proof carrying ath (§7.1), and refreshes with a proof of the same key.
 *
 * Failures only where RFC 9449 has a MUST: the §4.3 proof checks (htm, htu, iat window, nonce,
 * ath, the bound key), token_type DPoP (§5), cnf.jkt in a JWT access token (§6.1), the binding
 * of a public client's refresh token (§5), a DPoP-Nonce header with use_dpop_nonce (§8), a
 * bound token refused as a bearer token (§7.1, §7.2). jti replay detection is a SHOULD (§11.1):
 * a warning, as is cnf.jkt in introspection (§6.2).
 */
import { decodeJwt } from 'jose';
import { defineFlow, step, type CheckScope, type FlowContext, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, type CodeRequest } from './lib/authorization-request.ts';
import { resourceScope, scopeFor } from './lib/scopes.ts';
import { isJwt } from './lib/token-request.ts';
import { introspect } from './lib/token-endpoints.ts';
import { DpopClient, dpopKey, dpopProof, nonceAsked, tokenRequestWithProof, type ProofClaims } from './lib/dpop-proof.ts';
import { codeFlowClient } from './lib/code-flow-client.ts';

interface State {
  client: TargetClient;
  dpop: DpopClient;
  request: CodeRequest;
  code: string;
  /** The first code exchange, its proof without a nonce. */
  first: HttpResponse;
  /** The retry with the nonce, when the AS asked for one. */
  retried?: HttpResponse;
  /** The proof of the successful code exchange (replayed later, §11.1). */
  grantProof: string;
  grant: HttpResponse;
  accessToken: string;
  refreshToken?: string;
}

/** The client: public (whose refresh tokens §5 binds), else confidential, with the code grant. */
function clientOf(target: Target): TargetClient | undefined {
  return codeFlowClient(target, ['public', 'confidential']);
}

function dpopAlgs(target: Target): string[] {
  const algs = target.metadata.dpop_signing_alg_values_supported;
  return Array.isArray(algs) ? algs.filter((a): a is string => typeof a === 'string') : [];
}

function applicable(target: Target): true | { reason: string } {
  const algs = dpopAlgs(target);
  if (algs.length === 0) return { reason: 'the metadata has no dpop_signing_alg_values_supported (RFC 9449 §5.1): the AS does not offer DPoP' };
  if (!algs.includes('ES256')) return { reason: `dpop_signing_alg_values_supported (${algs.join(' ')}) does not list ES256, the algorithm of nauthera's proofs` };
  if (!clientOf(target)) return { reason: 'the target has no client with role "public" or "confidential" allowed authorization_code' };
  return true;
}

/** A token endpoint request with a proof built by `claims` (the latest nonce unless given). */
async function tokenCall(ctx: FlowContext<State>, form: Record<string, string | undefined>, tweak: Partial<ProofClaims> = {}, proof?: string): Promise<HttpResponse> {
  const url = ctx.target.endpoint('token_endpoint');
  const { dpop, client } = ctx.state;
  if (proof !== undefined) {
    const res = await tokenRequestWithProof(ctx, form, client, proof);
    dpop.note(res);
    return res;
  }
  return dpop.request('POST', url, (p) => tokenRequestWithProof(ctx, form, client, p), tweak);
}

/** A refusal: no 2xx and no token (§4.3: the proof is not accepted); describes the answer. */
function expectRefusal(c: CheckScope, res: HttpResponse, what: string): string {
  c.evidence(res);
  if (res.status >= 200 && res.status < 300) c.fail(`${what} was accepted (HTTP ${res.status})`);
  return `refused with HTTP ${res.status}${typeof res.json?.error === 'string' ? ` ${res.json.error}` : ''}`;
}

/** A stale iat: well outside any window a server would use (§11.1 suggests seconds or minutes). */
const staleSeconds = 3600;

export default defineFlow<State>({
  id: 'dpop',
  title: 'DPoP: sender-constrained tokens (RFC 9449)',
  diagram: 'diagrams/dpop.mmd',
  needs: { users: ['user'], login: true, endpoints: ['authorization_endpoint', 'token_endpoint'], grantTypes: ['authorization_code'] },
  applicable,
  state: () => ({}) as State,
  steps: [
    step('User', 'Authorization Server', 'Signs in and approves the client', async (ctx) => {
      const client = clientOf(ctx.target)!;
      ctx.state.client = client;
      ctx.state.dpop = new DpopClient(await dpopKey());
      const scope = scopeFor(ctx.target, client, ['openid', resourceScope(ctx.target)]);
      const request = codeRequest(ctx.target, client, { scope });
      ctx.state.request = request;
      const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), consent: 'approve' });
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (!code) throw new Error(`no authorization code came back (${outcome.kind === 'redirect' ? `parameters ${Object.keys(outcome.params).join(', ')}` : `the browser stopped on "${outcome.title}"`})`);
      ctx.state.code = code;
    }, { key: 'authorize' }),

    step('Client', 'Authorization Server', 'Exchanges the code with PKCE and a DPoP proof', async (ctx) => {
      const { request, code } = ctx.state;
      const form = { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.pkce?.verifier };
      const url = ctx.target.endpoint('token_endpoint');
      // The first proof carries no nonce: the AS may ask for one (§8).
      const proof = await dpopProof(ctx.state.dpop.key, { htm: 'POST', htu: url });
      ctx.state.grantProof = proof;
      ctx.state.first = await tokenCall(ctx, form, {}, proof);
      if (nonceAsked(ctx.state.first)) {
        const retryProof = await dpopProof(ctx.state.dpop.key, { htm: 'POST', htu: url, nonce: ctx.state.dpop.nonceFor(url) });
        ctx.state.grantProof = retryProof;
        ctx.state.retried = await tokenCall(ctx, form, {}, retryProof);
      }
      ctx.state.grant = ctx.state.retried ?? ctx.state.first;
    }, { key: 'code-exchange', needs: { code: 'an authorization code' } }),

    step('Authorization Server', 'Client', 'use_dpop_nonce with a DPoP-Nonce header', async (ctx) => {
      const res = ctx.state.first;
      const challenge = res.json?.error === 'use_dpop_nonce';
      if (!challenge) return ctx.notApplicable(`the token endpoint did not ask for a nonce (HTTP ${res.status}${res.json?.error ? ` ${res.json.error}` : ''} to a proof without one): the nonce round trip (§8) is not used by this target`);
      // §8: the AS that requires a nonce answers use_dpop_nonce with the nonce in DPoP-Nonce.
      await ctx.check('nonce-header-with-use-dpop-nonce', (c) => {
        c.evidence(res);
        c.expectStatus(res, 400);
        const nonce = res.header('dpop-nonce');
        if (!nonce) c.fail('use_dpop_nonce came without a DPoP-Nonce header');
        if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(nonce!)) c.fail(`the DPoP-Nonce value is not NQCHAR characters (§8.1): ${JSON.stringify(nonce!.slice(0, 40))}`);
        return `DPoP-Nonce of ${nonce!.length} characters`;
      }, { soft: true });
    }, {
      key: 'nonce-challenge',
      needs: { first: 'the first code exchange' },
      checks: {
        'nonce-header-with-use-dpop-nonce': { name: 'use_dpop_nonce comes with a 400 and a DPoP-Nonce header', spec: 'RFC 9449 §8, §8.1' },
      },
    }),

    step('Client', 'Authorization Server', 'Retries with the nonce in a new proof', async (ctx) => {
      const res = ctx.state.retried;
      if (!res) return ctx.notApplicable('the token endpoint did not ask for a nonce, so there was nothing to retry (§8)');
      await ctx.check('nonce-retry-accepted', (c) => {
        c.evidence(res);
        c.expectStatus(res, 200);
        c.expect(res.json?.access_token, 'access_token').toBeNonEmptyString();
      });
    }, {
      key: 'nonce-retry',
      needs: { first: 'the first code exchange' },
      checks: {
        'nonce-retry-accepted': { name: 'the code exchange retried with the nonce in a new proof gets tokens', spec: 'RFC 9449 §8, §5' },
      },
    }),

    step('Authorization Server', 'Client', 'DPoP-bound access token (token_type DPoP, cnf.jkt)', async (ctx) => {
      const res = ctx.state.grant;
      const json = res.json ?? {};
      if (res.status !== 200 || typeof json.access_token !== 'string') throw new Error(`the code exchange with a DPoP proof got HTTP ${res.status}${json.error ? ` ${json.error}` : ''} and no access_token`);
      ctx.state.accessToken = json.access_token;
      ctx.state.refreshToken = typeof json.refresh_token === 'string' ? json.refresh_token : undefined;
      // §5: a token bound to the DPoP key has token_type DPoP.
      await ctx.check('token-type-dpop', (c) => {
        c.evidence(res);
        c.expect(String(json.token_type), 'token_type').toBe('DPoP');
      }, { soft: true });
      // §6.1: a JWT access token names its key in cnf.jkt; §6.2: introspection shows it.
      await ctx.check('access-token-cnf-jkt', async (c) => {
        const jkt = ctx.state.dpop.key.jkt;
        if (isJwt(json.access_token)) {
          let cnf: unknown;
          try {
            cnf = decodeJwt(json.access_token).cnf;
          } catch {
            cnf = undefined;
          }
          c.expect((cnf as { jkt?: unknown } | undefined)?.jkt, 'cnf.jkt of the JWT access token').toBe(jkt);
          return 'cnf.jkt is the thumbprint of the proof key';
        }
        const introspector = ctx.target.findClient('confidential');
        if (!ctx.target.capabilities.introspection || !introspector || ctx.state.client.role !== 'confidential') {
          c.notApplicable('the access token is opaque and there is no introspection by its own confidential client to read cnf.jkt');
        }
        const answer = await introspect(ctx, json.access_token, introspector);
        c.evidence(answer);
        c.should(answer.json?.cnf?.jkt === jkt, `introspection of the bound token: cnf.jkt ${JSON.stringify(answer.json?.cnf?.jkt)}, expected the proof key's thumbprint (§6.2)`);
      }, { soft: true });
    }, {
      key: 'bound-token',
      needs: { grant: 'the code exchange response' },
      checks: {
        'token-type-dpop': { name: 'the token response to a request with a DPoP proof has token_type DPoP', spec: 'RFC 9449 §5' },
        'access-token-cnf-jkt': { name: "the access token names the proof key's thumbprint in cnf.jkt (JWT, else introspection)", spec: 'RFC 9449 §6.1, §6.2' },
      },
    }),

    step('Client', 'Resource Server', 'Calls with DPoP and a proof carrying ath', async (ctx) => {
      const rs = ctx.target.resourceServer;
      if (!rs) return ctx.notApplicable('the target has no resource server (resourceServer in the config) to call with the bound token');
      const { accessToken, dpop } = ctx.state;
      const call = (tweak: Partial<ProofClaims> = {}) =>
        dpop.request('GET', rs, (proof) => ctx.http.get(rs, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } }), { accessToken, ...tweak });

      let good: HttpResponse | undefined;
      let goodProof: string | undefined;
      // §7.1: the RS accepts the bound token with a valid proof of its key carrying ath.
      await ctx.check('resource-accepts-dpop', async (c) => {
        good = await call();
        goodProof = dpop.lastProof;
        c.evidence(good);
        c.expectStatus(good, 200);
      }, { soft: true });
      // §7.1, §7.2: a bound token presented as a bearer token is refused.
      await ctx.check('resource-refuses-bearer', async (c) => {
        const res = await ctx.http.get(rs, { bearer: accessToken });
        return expectRefusal(c, res, 'the DPoP-bound token presented as a Bearer token');
      }, { soft: true });
      // §4.3 step 12, §7.1: the proof must hash the token in ath.
      await ctx.check('resource-refuses-missing-ath', async (c) => expectRefusal(c, await call({ omitAth: true }), 'a proof without ath'), { soft: true });
      // §4.3 steps 8, 9, 11.
      await ctx.check('resource-refuses-wrong-htm', async (c) => expectRefusal(c, await call({ htm: 'POST' }), 'a proof for POST on a GET'), { soft: true });
      await ctx.check('resource-refuses-wrong-htu', async (c) => expectRefusal(c, await call({ htu: new URL('/nauthera-other', rs).href }), 'a proof for another URI'), { soft: true });
      await ctx.check('resource-refuses-stale-iat', async (c) => expectRefusal(c, await call({ iatOffset: -staleSeconds }), `a proof issued ${staleSeconds} s ago`), { soft: true });
      // §4.3 step 12: the proof's key is the one the token is bound to.
      await ctx.check('resource-refuses-other-key', async (c) => {
        const other = new DpopClient(await dpopKey());
        for (const [origin, nonce] of dpop.nonces) other.nonces.set(origin, nonce);
        const res = await other.request('GET', rs, (proof) => ctx.http.get(rs, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } }), { accessToken });
        return expectRefusal(c, res, 'a proof signed by another key');
      }, { soft: true });
      // §11.1: a proof seen before SHOULD be refused (jti).
      await ctx.check('resource-refuses-replay', async (c) => {
        if (!good || good.status !== 200) c.notApplicable('no proof was accepted to replay');
        const res = await ctx.http.get(rs, { headers: { authorization: `DPoP ${accessToken}`, dpop: goodProof! } });
        c.evidence(res);
        c.should(res.status < 200 || res.status >= 300, `a replayed proof (same jti) was accepted (HTTP ${res.status}); §11.1 says servers SHOULD refuse it`);
        return `HTTP ${res.status}`;
      }, { soft: true });
    }, {
      key: 'resource-call',
      needs: { accessToken: 'the bound access token' },
      checks: {
        'resource-accepts-dpop': { name: 'the resource server accepts the bound token with "DPoP" and a proof carrying ath', spec: 'RFC 9449 §7.1' },
        'resource-refuses-bearer': { name: 'the resource server refuses the bound token presented as a Bearer token', spec: 'RFC 9449 §7.1, §7.2' },
        'resource-refuses-missing-ath': { name: 'the resource server refuses a proof without ath', spec: 'RFC 9449 §4.3, §7.1' },
        'resource-refuses-wrong-htm': { name: 'the resource server refuses a proof whose htm is another method', spec: 'RFC 9449 §4.3, §7.1' },
        'resource-refuses-wrong-htu': { name: 'the resource server refuses a proof whose htu is another URI', spec: 'RFC 9449 §4.3, §7.1' },
        'resource-refuses-stale-iat': { name: 'the resource server refuses a proof whose iat is an hour old', spec: 'RFC 9449 §4.3, §11.1' },
        'resource-refuses-other-key': { name: 'the resource server refuses a proof signed by a key the token is not bound to', spec: 'RFC 9449 §4.3, §7.1' },
        'resource-refuses-replay': { name: 'the resource server refuses a replayed proof (same jti)', spec: 'RFC 9449 §11.1', severity: 'warning' },
      },
    }),

    step('Client', 'Authorization Server', 'Refreshes with a proof of the same key', async (ctx) => {
      if (!ctx.state.refreshToken) return ctx.notApplicable(`client ${ctx.state.client.client_id} got no refresh token with the bound access token`);
      const refreshForm = () => ({ grant_type: 'refresh_token', refresh_token: ctx.state.refreshToken });
      /** A refused request keeps the refresh token; an accepted one rotates it (RFC 9700 §4.14.2). */
      const keep = (res: HttpResponse) => {
        if (res.status === 200 && typeof res.json?.refresh_token === 'string') ctx.state.refreshToken = res.json.refresh_token;
        return res;
      };
      const url = ctx.target.endpoint('token_endpoint');
      // §4.3 steps 8, 9, 11 at the token endpoint.
      await ctx.check('token-refuses-wrong-htm', async (c) => expectRefusal(c, keep(await tokenCall(ctx, refreshForm(), { htm: 'GET' })), 'a proof for GET on the POST token request'), { soft: true });
      await ctx.check('token-refuses-wrong-htu', async (c) => expectRefusal(c, keep(await tokenCall(ctx, refreshForm(), { htu: new URL('/nauthera-other', url).href })), 'a proof for another URI'), { soft: true });
      await ctx.check('token-refuses-stale-iat', async (c) => {
        const res = keep(await tokenCall(ctx, refreshForm(), { iatOffset: -staleSeconds }));
        // §4.3 step 11: freshness is the iat "or a server managed timestamp via the nonce claim":
        // a proof carrying the AS's own nonce may be judged fresh by it, whatever its iat.
        if (res.status === 200 && ctx.state.dpop.nonceFor(url)) {
          c.evidence(res);
          return `accepted: the proof carried the token endpoint's nonce, which §4.3 step 11 lets decide freshness instead of iat`;
        }
        return expectRefusal(c, res, `a proof issued ${staleSeconds} s ago`);
      }, { soft: true });
      // §11.1: the code exchange's proof replayed (same jti) SHOULD be refused.
      await ctx.check('token-refuses-replay', async (c) => {
        const res = keep(await tokenCall(ctx, refreshForm(), {}, ctx.state.grantProof));
        c.evidence(res);
        c.should(res.status !== 200, `the code exchange's proof replayed on a refresh was accepted (HTTP ${res.status}); §11.1 says servers SHOULD refuse a seen jti`);
        return `HTTP ${res.status}${res.json?.error ? ` ${res.json.error}` : ''}`;
      }, { soft: true });
      const isPublic = ctx.state.client.token_endpoint_auth_method === 'none';
      // §5: a public client's refresh token is bound to the key: no proof, or another key, is refused.
      await ctx.check('refresh-without-proof-refused', async (c) => {
        if (!isPublic) c.notApplicable(`client ${ctx.state.client.client_id} is confidential; §5 binds the refresh tokens of public clients`);
        const res = keep(await tokenRequestWithProof(ctx, refreshForm(), ctx.state.client, undefined));
        return expectRefusal(c, res, "a refresh of the public client's bound refresh token without a proof");
      }, { soft: true });
      await ctx.check('refresh-other-key-refused', async (c) => {
        if (!isPublic) c.notApplicable(`client ${ctx.state.client.client_id} is confidential; §5 binds the refresh tokens of public clients`);
        const other = new DpopClient(await dpopKey());
        for (const [origin, nonce] of ctx.state.dpop.nonces) other.nonces.set(origin, nonce);
        const res = keep(await other.request('POST', url, (p) => tokenRequestWithProof(ctx, refreshForm(), ctx.state.client, p)));
        return expectRefusal(c, res, "a refresh of the public client's bound refresh token with a proof of another key");
      }, { soft: true });
      // §5: the refresh with a proof of the same key gets a token bound to it.
      await ctx.check('refresh-same-key-bound', async (c) => {
        const res = keep(await tokenCall(ctx, refreshForm()));
        c.evidence(res);
        c.expectStatus(res, 200);
        c.expect(String(res.json?.token_type), 'token_type').toBe('DPoP');
      }, { soft: true });
    }, {
      key: 'refresh',
      needs: { accessToken: 'the bound access token' },
      checks: {
        'token-refuses-wrong-htm': { name: 'the token endpoint refuses a proof whose htm is GET', spec: 'RFC 9449 §4.3' },
        'token-refuses-wrong-htu': { name: 'the token endpoint refuses a proof whose htu is another URI', spec: 'RFC 9449 §4.3' },
        'token-refuses-stale-iat': { name: 'the token endpoint refuses a proof whose iat is an hour old', spec: 'RFC 9449 §4.3, §11.1' },
        'token-refuses-replay': { name: "the token endpoint refuses the code exchange's proof replayed (same jti)", spec: 'RFC 9449 §11.1', severity: 'warning' },
        'refresh-without-proof-refused': { name: "a public client's bound refresh token is refused without a DPoP proof", spec: 'RFC 9449 §5' },
        'refresh-other-key-refused': { name: "a public client's bound refresh token is refused with a proof of another key", spec: 'RFC 9449 §5' },
        'refresh-same-key-bound': { name: 'a refresh with a proof of the same key gets a token of type DPoP', spec: 'RFC 9449 §5' },
      },
    }),
  ],
});
