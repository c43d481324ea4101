/**
 * Authorization Code with PKCE (RFC 6749 §4.1, RFC 7636) and a refresh token: the second
 * "oauh2" diagram of seed 000. Negative checks sit on the arrow they attack: redirect_uri
 * handling on the authorization request, code and PKCE abuse on the token exchange.
 * Each negative check that could burn a code gets a code of its own, so the checks stay
 * independent of the order in which an AS validates.
 */
import { defineFlow, pkce, randomValue, step, withQuery, type AuthorizeOutcome, type CheckScope, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, describeNoCode, type CodeRequest, type CodeRequestOptions } from './lib/authorization-request.ts';
import { authorizeAsSent, expectNoGrant, expectRedirectErrorCode, expectSameState, promptNoneErrors } from './lib/authorization-response.ts';
import { probeAuthorize, quickCode } from './lib/authorization-probe.ts';
import { errorCharacters, errorUriCharacters, expectMemberCharacters, isJsonMediaType, redirectErrorOf, scopeSyntax, tokenErrorOf, vschar, type SeenError } from './lib/oauth-syntax.ts';
import { getWithQuery, postRawForm, rawCredentials } from './lib/raw-token-request.ts';
import { checkIdToken, idTokenChecks } from './lib/id-token.ts';
import { resourceSteps } from './lib/resource-request.ts';
import { offlineScope, resourceScope, scopeFor } from './lib/scopes.ts';
import { guessingLimitCheckDeclarations, passwordGuessingCheck } from './lib/guessing-limits.ts';
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

/**
 * Redirect URIs that differ from the registered one in one part each (RFC 9700 §2.1, §4.1.3:
 * exact string matching, so none of them is the registered URI). Undefined when the registered
 * URI has no such part to change (a path without letters, a scheme other than http(s)).
 */
function redirectUriVariants(registered: string): Record<string, string | undefined> {
  const base = new URL(registered);
  const edit = (change: (u: URL) => void) => { const u = new URL(registered); change(u); return u.href; };
  const upper = base.pathname.toUpperCase();
  const slash = registered.endsWith('/') ? registered.slice(0, -1) : `${registered}/`;
  const otherScheme = { 'https:': 'http:', 'http:': 'https:' }[base.protocol];
  return {
    'path-case': upper === base.pathname ? undefined : edit((u) => { u.pathname = upper; }),
    'extra-query': edit((u) => { u.searchParams.append('nauthera', 'extra'); }),
    'trailing-slash': new URL(slash).href === base.href ? undefined : slash,
    'other-port': edit((u) => { u.port = u.port === '8443' ? '8444' : '8443'; }),
    'other-scheme': otherScheme ? `${otherScheme}${registered.slice(base.protocol.length)}` : undefined,
    fragment: `${registered.split('#')[0]}#nauthera`,
    'dot-segments': `${registered.replace(/\/$/, '')}/../attacker/callback`,
  };
}

/** The redirect_uri variants and what each changes, for the check names. */
const redirectUriVariantNames: Record<string, string> = {
  'path-case': 'only in the case of its path',
  'extra-query': 'by an added query parameter',
  'trailing-slash': 'only by a trailing slash',
  'other-port': 'only by its port',
  'other-scheme': 'only by its scheme (http / https)',
  fragment: 'by a fragment (a redirection endpoint has none, RFC 6749 §3.1.2)',
  'dot-segments': 'by dot-segments leading out of its path',
};

/** The authorization endpoint URL with exactly these parameters, repeats kept. */
function authorizationUrl(target: Target, params: Array<[string, string]>): string {
  const url = new URL(target.endpoint('authorization_endpoint'));
  for (const [k, v] of params) url.searchParams.append(k, v);
  return url.href;
}

/** A state holding every character class a careless encoder alters: space, +, /, =, ?, &, %, #, ~ (VSCHAR, RFC 6749 A.5). */
const specialState = () => `nauthera ${randomValue(6)} a+b/c=d?e&f%20g#h~i.j_k-l:m;n@o!p*q'r(s)t,u$v`;

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
      const attempt = (redirectUri: string) => probeAuthorize(ctx, codeRequest(ctx.target, client, { scope: request.scope, redirectUri }).url, { user });

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

      // RFC 6749 §10.13: the sign-in page must not be framed by another site (clickjacking);
      // X-Frame-Options or CSP frame-ancestors is how an AS asks the browser. Asked without a
      // session (the check above reset it), so the answer is the sign-in page.
      await ctx.check('sign-in-page-forbids-framing', async (c) => {
        const context = await ctx.browser.context();
        const res = await context.request.get(codeRequest(ctx.target, client, { scope: request.scope }).url, { failOnStatusCode: false, timeout: 15_000 });
        const headers = res.headers();
        c.note('sign-in page', `GET … → ${res.url().split('?')[0]}: HTTP ${res.status()}, X-Frame-Options ${headers['x-frame-options'] ?? '(none)'}, Content-Security-Policy ${headers['content-security-policy'] ?? '(none)'}`);
        if (res.status() !== 200) c.notApplicable(`the authorization request without a session ended at HTTP ${res.status()}, not a sign-in page`);
        const xfo = /^\s*(deny|sameorigin)\s*$/i.test(headers['x-frame-options'] ?? '');
        const ancestors = /(?:^|;)\s*frame-ancestors\s+([^;]*)/i.exec(headers['content-security-policy'] ?? '')?.[1]?.trim();
        const csp = ancestors !== undefined && !ancestors.split(/\s+/).includes('*');
        c.should(xfo || csp, `the sign-in page at ${res.url().split('?')[0]} sends neither X-Frame-Options DENY/SAMEORIGIN nor a CSP frame-ancestors without "*": another site may frame it (RFC 6749 §10.13)`);
        return xfo ? `X-Frame-Options ${headers['x-frame-options']}` : csp ? `CSP frame-ancestors ${ancestors}` : undefined;
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

      // RFC 9700 §2.1, §4.1.3: redirect URIs are compared as exact strings; each variant
      // changes one part of the registered URI. Asked without rendering a page where the AS
      // answers at once (probeAuthorize), else through the browser, signing in.
      const probe = (url: string) => probeAuthorize(ctx, url, { user });
      const variants = redirectUriVariants(registered);
      for (const [variant, uri] of Object.entries(variants)) {
        await ctx.check(`redirect-uri-${variant}-refused`, async (c) => {
          if (!uri) c.notApplicable(`the registered redirect_uri ${registered} has no part for this variant`);
          c.expectNoRedirect(await probe(codeRequest(ctx.target, client, { scope: request.scope, redirectUri: uri }).url), uri);
        }, { soft: true });
      }

      // RFC 6749 §4.1.2.1: a missing or invalid client identifier MUST NOT be redirected, even to
      // a URI that is registered for some client.
      const valid = codeRequest(ctx.target, client, { scope: request.scope });
      const withoutClient = Object.entries(valid.params).filter(([k]) => k !== 'client_id');
      await ctx.check('missing-client-id-not-redirected', async (c) => {
        c.expectNoRedirect(await probe(authorizationUrl(ctx.target, withoutClient)), registered);
      }, { soft: true });
      await ctx.check('unknown-client-id-not-redirected', async (c) => {
        c.expectNoRedirect(await probe(authorizationUrl(ctx.target, [...withoutClient, ['client_id', `nauthera-unknown-${randomValue(4)}`]])), registered);
      }, { soft: true });

      // Requests the AS must refuse with an error response (RFC 6749 §4.1.2.1), each with its own
      // state: "refused" and "refused with the code the spec gives" are separate verdicts, and
      // every error redirect is kept for the state, iss and syntax checks below.
      const errors: Array<{ label: string; state: string; outcome: AuthorizeOutcome }> = [];
      const refuse = async (key: string, build: (c: CheckScope) => { url: string; state: string }, codes: string | string[]) => {
        let outcome: AuthorizeOutcome | undefined;
        await ctx.check(key, async (c) => {
          const { url, state } = build(c);
          outcome = await probe(url);
          if (outcome.kind === 'redirect' && outcome.params.error !== undefined) errors.push({ label: key, state, outcome });
          return expectNoGrant(c, outcome);
        }, { soft: true });
        await ctx.check(`${key}-error-code`, (c) => {
          if (!outcome) c.notApplicable('the request was not sent');
          expectRedirectErrorCode(c, outcome!, codes);
        }, { soft: true });
      };
      const fresh = (change: (params: Array<[string, string]>) => Array<[string, string]>) => () => {
        const r = codeRequest(ctx.target, client, { scope: request.scope });
        return { url: authorizationUrl(ctx.target, change(Object.entries(r.params))), state: r.state };
      };
      const set = (name: string, value: string) => (params: Array<[string, string]>): Array<[string, string]> => [...params.filter(([k]) => k !== name), [name, value]];
      // §3.1.1: a missing or not understood response_type MUST get an error response.
      await refuse('missing-response-type-refused', fresh((p) => p.filter(([k]) => k !== 'response_type')), 'invalid_request');
      await refuse('unsupported-response-type-refused', fresh(set('response_type', 'nauthera_unsupported')), 'unsupported_response_type');
      // §3.1: parameters MUST NOT be included more than once; §4.1.2.1 names invalid_request for it.
      await refuse('duplicate-parameter-refused', fresh((p) => [...p, ...p.filter(([k]) => k === 'scope')]), 'invalid_request');
      // §4.1.2.1: unauthorized_client for a response type the AS serves but this client may not use.
      await refuse('response-type-not-allowed-for-client-refused', (c) => {
        const allowed = new Set(client.response_types.map((t) => t.split(' ').sort().join(' ')));
        const other = ctx.target.capabilities.responseTypes.find((t) => t !== 'none' && !allowed.has(t.split(' ').sort().join(' ')));
        if (!other) c.notApplicable(`the metadata lists no response type that client ${client.client_id} is not registered for`);
        return fresh((p) => [...set('response_type', other!)(p), ['nonce', randomValue()]])();
      }, 'unauthorized_client');
      // RFC 7636 §4.4.1: a transformation the server does not support MUST get invalid_request.
      await refuse('unsupported-plain-code-challenge-method-refused', (c) => {
        if (ctx.target.capabilities.codeChallengeMethods.includes('plain')) c.notApplicable('the metadata lists plain in code_challenge_methods_supported');
        const verifier = pkce().verifier;
        return fresh((p) => set('code_challenge_method', 'plain')(set('code_challenge', verifier)(p)))();
      }, 'invalid_request');
      await refuse('unknown-code-challenge-method-refused', fresh(set('code_challenge_method', 'S512')), 'invalid_request');

      // RFC 6749 §4.1.2.1: state is REQUIRED in an error response if the request had one, and
      // exactly the value received; RFC 9207 §2: iss in error responses too.
      await ctx.check('error-responses-carry-state', (c) => {
        if (errors.length === 0) c.notApplicable('no request above was refused with an error redirect');
        for (const e of errors) {
          const got = (e.outcome as { params: Record<string, string> }).params.state;
          if (got !== e.state) c.fail(`${e.label}: the error response carries state ${got === undefined ? '(none)' : JSON.stringify(got)}, its request sent ${JSON.stringify(e.state)}`);
        }
        return `state echoed in ${errors.length} error response(s)`;
      }, { soft: true });
      const issAdvertised = ctx.target.capabilities.issParameter;
      await ctx.check('error-responses-carry-iss', (c) => {
        if (errors.length === 0) c.notApplicable('no request above was refused with an error redirect');
        for (const e of errors) {
          const iss = (e.outcome as { params: Record<string, string> }).params.iss;
          if (iss !== ctx.target.issuer) c.fail(`${e.label}: iss ${iss === undefined ? '(none)' : JSON.stringify(iss)}, expected ${ctx.target.issuer}${issAdvertised ? '' : ' (not advertised: mix-up attacks are possible, RFC 9700 §4.4)'}`);
        }
        return `iss in ${errors.length} error response(s)`;
      }, { soft: true, severity: issAdvertised ? 'failure' : 'warning' });
      const seen = (): SeenError[] => errors.map((e) => redirectErrorOf(e.label, e.outcome)).filter((e): e is SeenError => !!e);
      await ctx.check('error-code-characters', (c) => expectMemberCharacters(c, seen(), 'error', errorCharacters), { soft: true });
      await ctx.check('error-description-characters', (c) => expectMemberCharacters(c, seen(), 'error_description', errorCharacters), { soft: true });
      await ctx.check('error-uri-characters', (c) => expectMemberCharacters(c, seen(), 'error_uri', errorUriCharacters), { soft: true });

      // RFC 7636 §4.2: S256 is Mandatory To Implement on the server.
      await ctx.check('s256-code-challenge-method-supported', (c) => {
        const methods = ctx.target.capabilities.codeChallengeMethods;
        if (methods.length === 0) {
          c.should(false, 'the metadata has no code_challenge_methods_supported (RFC 8414 §2: then the AS does not support PKCE); S256 worked in this flow all the same');
          return;
        }
        c.expect(methods, 'code_challenge_methods_supported').toContain('S256');
      }, { soft: true });
    }, {
      key: 'authorize',
      checks: {
        'sign-in-page-forbids-framing': { name: 'the sign-in page forbids framing by other sites (X-Frame-Options or CSP frame-ancestors)', spec: 'RFC 6749 §10.13, RFC 9700 §4.16', severity: 'warning' },
        ...Object.fromEntries(Object.entries(redirectUriVariantNames).map(([variant, what]) => [`redirect-uri-${variant}-refused`, {
          name: `a redirect_uri differing from the registered one ${what} is refused without redirecting`, spec: variant === 'fragment' ? 'RFC 6749 §3.1.2, RFC 9700 §2.1' : 'RFC 9700 §2.1, §4.1.3',
        }])),
        'missing-client-id-not-redirected': { name: 'a request without client_id is not redirected', spec: 'RFC 6749 §4.1.2.1' },
        'unknown-client-id-not-redirected': { name: 'a request with an unknown client_id is not redirected', spec: 'RFC 6749 §4.1.2.1' },
        ...refusalChecks('missing-response-type-refused', 'a request without response_type is refused', 'RFC 6749 §3.1.1', 'invalid_request'),
        ...refusalChecks('unsupported-response-type-refused', 'a request with an unsupported response_type is refused', 'RFC 6749 §3.1.1', 'unsupported_response_type'),
        ...refusalChecks('duplicate-parameter-refused', 'a request with a parameter included twice is refused', 'RFC 6749 §3.1', 'invalid_request'),
        ...refusalChecks('response-type-not-allowed-for-client-refused', 'a response_type the client is not registered for is refused', 'RFC 6749 §4.1.2.1', 'unauthorized_client'),
        ...refusalChecks('unsupported-plain-code-challenge-method-refused', 'code_challenge_method plain is refused when the AS does not support it', 'RFC 7636 §4.4.1', 'invalid_request'),
        ...refusalChecks('unknown-code-challenge-method-refused', 'an unknown code_challenge_method is refused', 'RFC 7636 §4.4.1', 'invalid_request'),
        'error-responses-carry-state': { name: 'error responses carry the request\'s state exactly', spec: 'RFC 6749 §4.1.2.1, §10.12' },
        'error-responses-carry-iss': { name: 'error responses carry iss (RFC 9207)', spec: 'RFC 9207 §2' },
        'error-code-characters': { name: 'error codes of error responses use only the characters RFC 6749 allows', spec: 'RFC 6749 §4.1.2.1' },
        'error-description-characters': { name: 'error_description of error responses uses only the characters RFC 6749 allows', spec: 'RFC 6749 §4.1.2.1' },
        'error-uri-characters': { name: 'error_uri of error responses uses only the characters RFC 6749 allows', spec: 'RFC 6749 §4.1.2.1' },
        's256-code-challenge-method-supported': { name: 'S256 is a supported code_challenge_method', spec: 'RFC 7636 §4.2, RFC 9700 §2.1.1' },
        'prompt-none-without-session-refused': { name: 'prompt=none without a session is answered with an error (login_required or another of §3.1.2.6), not a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'unregistered-redirect-uri-refused-without-redirecting': { name: 'an unregistered redirect_uri is refused without redirecting', spec: 'RFC 6749 §3.1.2.4, RFC 9700 §4.1.3' },
        'redirect-uri-not-exactly-registered-one-refused': { name: 'a redirect_uri not exactly the registered one is refused without redirecting', spec: 'RFC 9700 §4.1.3, RFC 6749 §3.1.2.4' },
        'redirect-uri-sharing-only-prefix-registered-one': { name: 'redirect_uri sharing only a prefix with a registered one is refused', spec: 'RFC 9700 §4.1.3, RFC 6749 §3.1.2.4' },
      },
    }),

    step('User', 'AS', 'Grants Authorization', async (ctx) => {
      const user = ctx.target.user('user');
      // Guesses at a made-up account first, so the code the flow keeps is fresh; the user's sign-in ends it.
      await passwordGuessingCheck(ctx, () => codeRequest(ctx.target, ctx.state.client, { scope: ctx.state.request.scope }).url, user);
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
      // Typed wrong passwords and two sign-ins.
      timeoutMs: 120_000,
      checks: {
        ...guessingLimitCheckDeclarations.password,
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
      // RFC 6749 §3.1: response parameters MUST NOT be included more than once.
      await ctx.check('response-parameters-not-repeated', (c) => {
        const redirect = c.expectRedirect(outcome);
        const url = new URL(redirect.url);
        if (redirect.responseMode === 'form_post') c.notApplicable('the response came as a form post');
        const names = [...(redirect.responseMode === 'fragment' ? new URLSearchParams(url.hash.slice(1)) : url.searchParams).keys()];
        const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
        if (repeated.length > 0) c.fail(`repeated in the ${redirect.responseMode}: ${repeated.join(', ')}`);
        return `each once: ${names.join(', ')}`;
      }, { soft: true });
      // RFC 6749 A.11: code = 1*VSCHAR.
      await ctx.check('code-characters', (c) => {
        const code = c.expectRedirect(outcome).params.code;
        if (code === undefined) c.notApplicable('the response carries no code');
        if (!vschar.test(code!)) c.fail(`the code holds characters outside VSCHAR (%x20-7E): ${JSON.stringify(code)}`);
        return `${code!.length} VSCHAR characters`;
      }, { soft: true });
      // RFC 7636 §4.4: the server MUST NOT include the code_challenge in a form others can extract.
      await ctx.check('code-challenge-not-in-authorization-response', (c) => {
        const challenge = request.pkce?.challenge;
        if (!challenge) c.notApplicable('the request had no code_challenge');
        const redirect = c.expectRedirect(outcome);
        const where = Object.entries(redirect.params).filter(([, v]) => v.includes(challenge!)).map(([k]) => k);
        if (where.length > 0 || redirect.url.includes(challenge!)) c.fail(`the code_challenge appears in the authorization response${where.length ? ` (${where.join(', ')})` : ''}`);
        return 'the code_challenge does not appear in the response';
      }, { soft: true });
      // Asked again with the session of the sign-in above, so the AS answers at once.
      // RFC 6749 §3.1: parameters sent without a value MUST be treated as if omitted.
      await ctx.check('empty-parameters-treated-as-omitted', async (c) => {
        const r = codeRequest(ctx.target, request.client, { scope: request.scope });
        const outcome = await probeAuthorize(ctx, authorizationUrl(ctx.target, [...Object.entries(r.params), ['response_mode', ''], ['max_age', '']]), { user: ctx.target.user('user') });
        const params = c.expectAuthorizationResponse(outcome);
        c.expect(params.code, 'code').toBeNonEmptyString();
        expectSameState(c, params, r.state);
      }, { soft: true });
      // RFC 6749 §4.1.2: state exactly as received, whatever VSCHARs it holds.
      await ctx.check('state-special-characters-echoed-exactly', async (c) => {
        const state = specialState();
        const r = codeRequest(ctx.target, request.client, { scope: request.scope, extra: { state } });
        const params = c.expectAuthorizationResponse(await probeAuthorize(ctx, r.url, { user: ctx.target.user('user') }));
        expectSameState(c, params, state);
      }, { soft: true });
      // RFC 6749 §3.3: without scope the AS MUST use a default or fail with invalid_scope. An
      // OpenID Provider may also call it a missing required parameter (OIDC Core §3.1.2.1).
      await ctx.check('request-without-scope-defaulted-or-invalid-scope', async (c) => {
        const r = codeRequest(ctx.target, request.client, { scope: request.scope });
        const outcome = await probeAuthorize(ctx, authorizationUrl(ctx.target, Object.entries(r.params).filter(([k]) => k !== 'scope')), { user: ctx.target.user('user') });
        c.evidence(outcome);
        if (outcome.kind === 'page') {
          c.should(false, `refused with a page ("${outcome.title}"), not an invalid_scope error response to the client`);
          return;
        }
        if (outcome.params.code !== undefined) return 'the AS used a default scope';
        c.expectRedirectError(outcome, ctx.target.capabilities.openid ? ['invalid_scope', 'invalid_request'] : 'invalid_scope');
      }, { soft: true });
      // RFC 6749 §3.3: the AS may refuse a scope (invalid_scope, §4.1.2.1) or ignore it, and then
      // MUST name the granted scope in the token response (§5.1).
      await ctx.check('unsupported-scope-refused-or-left-out', async (c) => {
        const unknown = 'nauthera_unsupported_scope';
        const r = codeRequest(ctx.target, request.client, { scope: `${request.scope} ${unknown}`.trim() });
        const outcome = await probeAuthorize(ctx, r.url, { user: ctx.target.user('user') });
        c.evidence(outcome);
        if (outcome.kind === 'page') return `refused with a page ("${outcome.title}")`;
        if (outcome.params.error !== undefined) {
          c.expectRedirectError(outcome, 'invalid_scope');
          return;
        }
        const res = await exchangeCode(ctx, r, c.expectAuthorizationResponse(outcome).code!);
        c.expectStatus(res, 200);
        const granted = res.json?.scope;
        if (typeof granted !== 'string') c.fail(`the scope "${unknown}" was not refused and the token response names no scope, so it was granted as requested (RFC 6749 §5.1: scope is REQUIRED when it differs)`);
        c.expect((granted as string).split(' '), 'granted scope').not.toContain(unknown);
        return `left out: granted "${granted}"`;
      }, { soft: true });
      // RFC 7636 §4.2: an S256 challenge is 43 base64url characters; §4.4.1 invalid_request is the
      // fitting answer to another value, but no MUST says so.
      await ctx.check('malformed-code-challenge-refused', async (c) => {
        const r = codeRequest(ctx.target, request.client, { scope: request.scope, extra: { code_challenge: 'short' } });
        const outcome = await probeAuthorize(ctx, r.url, { user: ctx.target.user('user') });
        c.evidence(outcome);
        const issued = outcome.kind === 'redirect' && outcome.params.code !== undefined;
        c.should(!issued, 'a code was issued for code_challenge "short" (not 43 base64url characters)');
        return issued ? undefined : 'refused';
      }, { soft: true });
      // RFC 7636 §4.4.1: a server that requires PKCE answers a request without it with invalid_request;
      // RFC 9700 §2.1.1: public clients MUST use PKCE, so an AS should require it of them.
      await ctx.check('public-client-without-code-challenge-refused', async (c) => {
        const pub = ctx.target.findClient('public');
        if (!pub) c.notApplicable('the target has no client with role "public"');
        const r = codeRequest(ctx.target, pub!, { scope: scopeFor(ctx.target, pub!, request.scope.split(' ')), pkce: false });
        const outcome = await probeAuthorize(ctx, r.url, { user: ctx.target.user('user') });
        c.evidence(outcome);
        if (outcome.kind === 'redirect' && outcome.params.code !== undefined) {
          c.should(false, `public client ${pub!.client_id} got a code without code_challenge`);
          return;
        }
        if (outcome.kind === 'redirect') c.expectRedirectError(outcome, 'invalid_request');
        return outcome.kind === 'page' ? `refused with a page ("${outcome.title}")` : undefined;
      }, { soft: true });
    }, {
      key: 'authorization-response',
      needs: { outcome: 'the browser back at the client' },
      checks: {
        'empty-parameters-treated-as-omitted': { name: 'parameters sent without a value are treated as omitted', spec: 'RFC 6749 §3.1' },
        'state-special-characters-echoed-exactly': { name: 'a state holding spaces, +, %, &, # and other VSCHARs is echoed exactly', spec: 'RFC 6749 §4.1.2, A.5' },
        'request-without-scope-defaulted-or-invalid-scope': { name: 'a request without scope gets a default scope or invalid_scope', spec: 'RFC 6749 §3.3' },
        'unsupported-scope-refused-or-left-out': { name: 'an unsupported scope is refused with invalid_scope or left out of the granted scope', spec: 'RFC 6749 §3.3, §5.1' },
        'malformed-code-challenge-refused': { name: 'a code_challenge that is not an S256 value is refused', spec: 'RFC 7636 §4.2, §4.4.1', severity: 'warning' },
        'public-client-without-code-challenge-refused': { name: 'a public client\'s request without code_challenge is refused with invalid_request', spec: 'RFC 7636 §4.4.1, RFC 9700 §2.1.1' },
        'response-parameters-not-repeated': { name: 'no authorization response parameter is included more than once', spec: 'RFC 6749 §3.1' },
        'code-characters': { name: 'the code uses only VSCHAR characters', spec: 'RFC 6749 §4.1.2, A.11' },
        'code-challenge-not-in-authorization-response': { name: 'the code_challenge is not disclosed in the authorization response', spec: 'RFC 7636 §4.4' },
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
        const fresh = await quickCode(ctx, client, { scope: request.scope });
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
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        c.note('presented by', `${other!.client_id} (${other!.role}); issued to ${client.client_id}`);
        return exchangeCode(ctx, fresh.request, fresh.code, { client: other! });
      });
      await attack('wrong-code-verifier-refused', async () => {
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { verifier: pkce().verifier });
      });
      // A missing verifier is a missing required parameter: invalid_request (RFC 6749 §5.2) fits as
      // well as invalid_grant (RFC 7636 §4.6 names invalid_grant for a verifier that does not match).
      await attack('missing-code-verifier-refused', async () => {
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { verifier: null });
      }, ['invalid_grant', 'invalid_request']);
      await attack('pkce-downgrade-refused', async (c) => {
        const plain = codeRequest(ctx.target, client, { scope: request.scope, pkce: false });
        const outcome = await probeAuthorize(ctx, plain.url, { user: ctx.target.user('user') });
        const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
        // An AS that requires PKCE from this client refuses the request itself: the downgrade cannot start.
        if (!code) c.notApplicable(`the AS refuses a request without code_challenge from this client, so no downgrade can start: ${describeNoCode(outcome)}`);
        return exchangeCode(ctx, plain, code!, { verifier: pkce().verifier });
      });
      await attack('other-redirect-uri-refused', async () => {
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { redirectUri: attackerUri });
      });
      await ctx.check('bad-client-authentication-refused-401-invalid-client', async (c) => {
        if (!client.client_secret || !['client_secret_basic', 'client_secret_post'].includes(client.token_endpoint_auth_method)) {
          c.notApplicable(`client ${client.client_id} authenticates with ${client.token_endpoint_auth_method}, not a secret`);
        }
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        const wrong = { ...client, client_secret: `${client.client_secret}-wrong` };
        const res = await exchangeCode(ctx, fresh.request, fresh.code, { client: wrong });
        // §5.2: 401 when the client authenticated with the Authorization header; 400 or 401 for client_secret_post.
        c.expectOAuthError(res, 'invalid_client', { status: client.token_endpoint_auth_method === 'client_secret_basic' ? 401 : [400, 401] });
        // §5.2: a 401 MUST carry WWW-Authenticate "matching the authentication scheme used by the client".
        if (res.status === 401) c.expect(res.header('www-authenticate'), 'WWW-Authenticate on the 401').toBeDefined();
        if (client.token_endpoint_auth_method === 'client_secret_basic') c.expect(res.header('www-authenticate'), 'WWW-Authenticate scheme (the client used Basic)').toMatch(/^\s*basic\b/i);
      }, { soft: true });

      const tokenUrl = ctx.target.endpoint('token_endpoint');
      const raw = rawCredentials(client);
      const needRaw = (c: CheckScope) => { if (!raw) c.notApplicable(`client ${client.client_id} authenticates with ${client.token_endpoint_auth_method}, which these raw requests do not send`); };
      const exchangeParams = (fresh: { request: CodeRequest; code: string }): Array<[string, string]> => [
        ['grant_type', 'authorization_code'], ['code', fresh.code], ['redirect_uri', fresh.request.redirectUri],
        ...(fresh.request.pkce ? [['code_verifier', fresh.request.pkce.verifier] as [string, string]] : []),
      ];
      // RFC 6749 §3.2: the client MUST use POST; the AS accepting GET puts codes and credentials in URLs (§2.3.1).
      await ctx.check('token-request-by-get-refused', async (c) => {
        needRaw(c);
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        const res = await getWithQuery(ctx, tokenUrl, client, exchangeParams(fresh));
        c.evidence(res);
        c.should(typeof res.json?.access_token !== 'string', `a GET with the parameters in the URL got tokens (HTTP ${res.status})`);
        return `HTTP ${res.status}`;
      }, { soft: true });
      // RFC 6749 §3.2: parameters MUST NOT be included more than once; §5.2: invalid_request.
      await attack('duplicate-parameter-refused', async (c) => {
        needRaw(c);
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        const params = exchangeParams(fresh);
        return postRawForm(ctx, tokenUrl, client, [...params, ...params.filter(([k]) => k === 'redirect_uri')]);
      }, ['invalid_request']);
      // RFC 6749 §4.1.3: redirect_uri is REQUIRED when the authorization request had it.
      await attack('missing-redirect-uri-refused', async () => {
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        return exchangeCode(ctx, fresh.request, fresh.code, { redirectUri: null });
      }, ['invalid_grant', 'invalid_request']);
      await attack('redirect-uri-trailing-slash-refused', async () => {
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        const uri = fresh.request.redirectUri;
        return exchangeCode(ctx, fresh.request, fresh.code, { redirectUri: uri.endsWith('/') ? uri.slice(0, -1) : `${uri}/` });
      });
      // RFC 6749 §3.2.1, §4.1.3: a confidential client MUST authenticate; §5.2: invalid_client.
      await attack('confidential-client-without-authentication-refused', async (c) => {
        if (client.token_endpoint_auth_method === 'none') c.notApplicable(`client ${client.client_id} is public`);
        const fresh = await quickCode(ctx, client, { scope: request.scope });
        return ctx.http.postForm(tokenUrl, { ...Object.fromEntries(exchangeParams(fresh)), client_id: client.client_id });
      }, ['invalid_client']);
      // Cheap refusals: nothing to issue, so no code is needed.
      const bare = async (key: string, form: Record<string, string | undefined>, codes: string[], options: { status?: number | number[] } = {}) => {
        await ctx.check(key, async (c) => {
          const res = await ctx.http.postForm(tokenUrl, form, { client });
          refusals[key] = res;
          c.expectOAuthError(res, codes, options);
        }, { soft: true });
      };
      // RFC 6749 §5.2: invalid_request for a missing parameter; unsupported_grant_type is another fair reading.
      await bare('missing-grant-type-refused', { code: 'nauthera-no-such-code', redirect_uri: request.redirectUri }, ['invalid_request', 'unsupported_grant_type']);
      await bare('unknown-grant-type-unsupported-grant-type', { grant_type: 'urn:nauthera:unknown-grant-type', code: 'nauthera-no-such-code' }, ['unsupported_grant_type']);
      await bare('missing-code-invalid-request', { grant_type: 'authorization_code', redirect_uri: request.redirectUri, code_verifier: pkce().verifier }, ['invalid_request']);
      await bare('unknown-code-invalid-grant', { grant_type: 'authorization_code', code: `nauthera-no-such-code-${randomValue(8)}`, redirect_uri: request.redirectUri, code_verifier: pkce().verifier }, ['invalid_grant']);
      // RFC 6749 §5.2: unauthorized_client for a client not allowed the grant type.
      await ctx.check('grant-type-not-allowed-for-client-unauthorized-client', async (c) => {
        const other = (['service', 'service-post'] as const).map((r) => ctx.target.findClient(r)).find((o) => o && !o.grant_types.includes('authorization_code') && rawCredentials(o));
        if (!other) c.notApplicable('the target has no secret-authenticated client without the authorization_code grant');
        const res = await ctx.http.postForm(tokenUrl, { grant_type: 'authorization_code', code: `nauthera-no-such-code-${randomValue(8)}`, redirect_uri: request.redirectUri }, { client: other });
        refusals['grant-type-not-allowed-for-client-unauthorized-client'] = res;
        c.note('presented by', `${other!.client_id} (${other!.role}), grant_types ${other!.grant_types.join(' ')}`);
        c.expectOAuthError(res, 'unauthorized_client');
      }, { soft: true });
      // RFC 6749 §5.2: Basic authentication that fails MUST get 401 and a Basic challenge.
      let unknownClient: HttpResponse | undefined;
      await ctx.check('unknown-client-basic-refused-401-invalid-client', async (c) => {
        if (client.token_endpoint_auth_method !== 'client_secret_basic') c.notApplicable(`client ${client.client_id} does not use client_secret_basic`);
        unknownClient = await ctx.http.postForm(tokenUrl, { grant_type: 'authorization_code', code: 'nauthera-no-such-code', redirect_uri: request.redirectUri },
          { basic: { username: `nauthera-unknown-${randomValue(4)}`, password: 'nauthera-wrong-secret' } });
        refusals['unknown-client-basic-refused-401-invalid-client'] = unknownClient;
        c.expectOAuthError(unknownClient, 'invalid_client', { status: 401 });
      }, { soft: true });
      await ctx.check('unknown-client-basic-challenge', (c) => {
        if (!unknownClient) c.notApplicable('the client does not use client_secret_basic');
        if (unknownClient!.status !== 401) c.notApplicable(`the answer was HTTP ${unknownClient!.status} (judged by the check before)`);
        c.expect(unknownClient!.header('www-authenticate') ?? '(none)', 'WWW-Authenticate (the client used Basic)').toMatch(/^\s*basic\b/i);
      }, { soft: true });

      // RFC 6749 §5.2: every error above is JSON with an error of the allowed characters, and 400
      // unless invalid_client (401 allowed, and required for Basic, judged above).
      const tokenErrors = () => Object.entries(refusals).filter(([, r]) => r && r.status >= 400 && r.method === 'POST') as Array<[string, HttpResponse]>;
      await ctx.check('error-responses-json', (c) => {
        const list = tokenErrors();
        if (list.length === 0) c.notApplicable('no token request above was refused');
        const bad = list.filter(([, r]) => !isJsonMediaType(r.header('content-type')) || typeof r.json?.error !== 'string');
        if (bad.length > 0) c.fail(`not an application/json body with an error member: ${bad.map(([k, r]) => `${k} (HTTP ${r.status}, ${r.header('content-type') ?? 'no Content-Type'})`).join('; ')}`);
        return `${list.length} error responses`;
      }, { soft: true });
      await ctx.check('error-responses-status-400', (c) => {
        const list = tokenErrors().filter(([, r]) => typeof r.json?.error === 'string' && r.json.error !== 'invalid_client');
        if (list.length === 0) c.notApplicable('no token request above was refused with an error other than invalid_client');
        const bad = list.filter(([, r]) => r.status !== 400);
        if (bad.length > 0) c.fail(`not HTTP 400: ${bad.map(([k, r]) => `${k} (${r.json.error}: HTTP ${r.status})`).join('; ')}`);
        return `${list.length} error responses with HTTP 400`;
      }, { soft: true });
      const tokenSeen = () => tokenErrors().map(([k, r]) => tokenErrorOf(k, r));
      await ctx.check('error-code-characters', (c) => expectMemberCharacters(c, tokenSeen(), 'error', errorCharacters), { soft: true });
      await ctx.check('error-description-characters', (c) => expectMemberCharacters(c, tokenSeen(), 'error_description', errorCharacters), { soft: true });
      await ctx.check('error-uri-characters', (c) => expectMemberCharacters(c, tokenSeen(), 'error_uri', errorUriCharacters), { soft: true });
    }, {
      key: 'token',
      needs: { code: 'an authorization code' },
      checks: {
        'token-request-by-get-refused': { name: 'a token request by GET with the parameters in the URL gets no tokens', spec: 'RFC 6749 §3.2, §2.3.1', severity: 'warning' },
        ...refusalChecks('duplicate-parameter-refused', 'a token request with a parameter included twice is refused', 'RFC 6749 §3.2', 'invalid_request'),
        ...refusalChecks('missing-redirect-uri-refused', 'a code exchange without the redirect_uri of its authorization request is refused', 'RFC 6749 §4.1.3', 'invalid_grant or invalid_request'),
        ...refusalChecks('redirect-uri-trailing-slash-refused', 'a redirect_uri differing only by a trailing slash from the authorization request\'s is refused', 'RFC 6749 §4.1.3', 'invalid_grant'),
        ...refusalChecks('confidential-client-without-authentication-refused', 'a confidential client\'s code exchange without client authentication is refused', 'RFC 6749 §3.2.1, §4.1.3', 'invalid_client'),
        'missing-grant-type-refused': { name: 'a token request without grant_type is refused with invalid_request (or unsupported_grant_type)', spec: 'RFC 6749 §5.2' },
        'unknown-grant-type-unsupported-grant-type': { name: 'an unknown grant_type is refused with unsupported_grant_type', spec: 'RFC 6749 §5.2' },
        'missing-code-invalid-request': { name: 'a code exchange without code is refused with invalid_request', spec: 'RFC 6749 §4.1.3, §5.2' },
        'unknown-code-invalid-grant': { name: 'an unknown code is refused with invalid_grant', spec: 'RFC 6749 §5.2' },
        'grant-type-not-allowed-for-client-unauthorized-client': { name: 'a client not allowed the authorization_code grant is refused with unauthorized_client', spec: 'RFC 6749 §5.2' },
        'unknown-client-basic-refused-401-invalid-client': { name: 'an unknown client authenticating with Basic is refused with 401 invalid_client', spec: 'RFC 6749 §5.2' },
        'unknown-client-basic-challenge': { name: 'the 401 to an unknown Basic client carries a Basic WWW-Authenticate challenge', spec: 'RFC 6749 §5.2' },
        'error-responses-json': { name: 'token error responses are application/json with an error member', spec: 'RFC 6749 §5.2' },
        'error-responses-status-400': { name: 'token error responses other than invalid_client have HTTP 400', spec: 'RFC 6749 §5.2' },
        'error-code-characters': { name: 'error codes of token error responses use only the characters RFC 6749 allows', spec: 'RFC 6749 §5.2' },
        'error-description-characters': { name: 'error_description of token error responses uses only the characters RFC 6749 allows', spec: 'RFC 6749 §5.2' },
        'error-uri-characters': { name: 'error_uri of token error responses uses only the characters RFC 6749 allows', spec: 'RFC 6749 §5.2' },
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
      // RFC 6749 §5.1: "as well as the Pragma response header field with a value of no-cache".
      await ctx.check('token-response-pragma-no-cache', (c) => {
        c.expect(tokenResponse.header('pragma') ?? '(none)', 'Pragma').toMatch(/no-cache/i);
      }, { soft: true });
      await ctx.check('token-response-json-media-type', (c) => {
        const type = tokenResponse.header('content-type');
        if (!isJsonMediaType(type)) c.fail(`Content-Type: expected application/json, got ${type ?? '(none)'}`);
        return `Content-Type ${type}`;
      }, { soft: true });
      await ctx.check('token-type-present', (c) => {
        c.expect(tokens.token_type, 'token_type').toBeNonEmptyString();
      }, { soft: true });
      // RFC 6749 §5.1: expires_in is "the lifetime in seconds"; §5.1 numbers are JSON numbers.
      await ctx.check('expires-in-positive-integer', (c) => {
        if (tokens.expires_in === undefined) c.notApplicable('the response has no expires_in (RECOMMENDED, not REQUIRED)');
        if (typeof tokens.expires_in !== 'number' || !Number.isInteger(tokens.expires_in) || tokens.expires_in <= 0) c.fail(`expires_in: expected a positive integer JSON number, got ${JSON.stringify(tokens.expires_in)}`);
        return `expires_in ${tokens.expires_in}`;
      }, { soft: true });
      await ctx.check('access-token-characters', (c) => {
        if (!vschar.test(String(tokens.access_token))) c.fail('the access_token holds characters outside VSCHAR (%x20-7E)');
      }, { soft: true });
      await ctx.check('refresh-token-characters', (c) => {
        if (tokens.refresh_token === undefined) c.notApplicable('no refresh_token was issued');
        if (typeof tokens.refresh_token !== 'string' || !vschar.test(tokens.refresh_token)) c.fail('the refresh_token is not a string of VSCHAR (%x20-7E)');
      }, { soft: true });
      await ctx.check('granted-scope-syntax', (c) => {
        if (tokens.scope === undefined) c.notApplicable('the response has no scope');
        if (typeof tokens.scope !== 'string' || !scopeSyntax.test(tokens.scope)) c.fail(`scope ${JSON.stringify(tokens.scope)} is not space-separated scope-tokens of NQCHAR`);
        return `scope "${tokens.scope}"`;
      }, { soft: true });
      // RFC 7636 §4.4: the code_challenge MUST NOT be given out in a form others can extract (here:
      // in the token response, or in the payload of a JWT it holds).
      await ctx.check('code-challenge-not-in-token-response', (c) => {
        const challenge = request.pkce?.challenge;
        if (!challenge) c.notApplicable('the request had no code_challenge');
        const payloads = ['access_token', 'id_token', 'refresh_token'].flatMap((k) => {
          const parts = typeof tokens[k] === 'string' ? tokens[k].split('.') : [];
          return parts.length === 3 ? [[k, Buffer.from(parts[1], 'base64url').toString('utf8')]] : [];
        });
        const found = [...(tokenResponse.text.includes(challenge!) ? ['the response body'] : []), ...payloads.filter(([, p]) => p.includes(challenge!)).map(([k]) => `the ${k} payload`)];
        if (found.length > 0) c.fail(`the code_challenge appears in ${found.join(', ')}`);
        return `not in the body nor in ${payloads.length} JWT payload(s)`;
      }, { soft: true });
    }, {
      key: 'token-response',
      needs: { tokens: 'a token response with an access token' },
      checks: {
        'token-response-pragma-no-cache': { name: 'the token response carries Pragma: no-cache', spec: 'RFC 6749 §5.1' },
        'token-response-json-media-type': { name: 'the token response is application/json', spec: 'RFC 6749 §5.1' },
        'token-type-present': { name: 'the token response names its token_type', spec: 'RFC 6749 §5.1, §7.1' },
        'expires-in-positive-integer': { name: 'expires_in is a positive integer number of seconds', spec: 'RFC 6749 §5.1' },
        'access-token-characters': { name: 'the access_token uses only VSCHAR characters', spec: 'RFC 6749 §5.1, A.12' },
        'refresh-token-characters': { name: 'the refresh_token uses only VSCHAR characters', spec: 'RFC 6749 §5.1, A.17' },
        'granted-scope-syntax': { name: 'the granted scope is space-separated scope tokens', spec: 'RFC 6749 §3.3, A.4' },
        'code-challenge-not-in-token-response': { name: 'the code_challenge is not disclosed in the token response or its tokens', spec: 'RFC 7636 §4.4' },
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
