/**
 * OpenID Connect (seed 003, the RP / OP / End-User figure): an authentication request with a
 * nonce, the End-User's sign-in and consent, the response (code → tokens, OIDC Core §3.1)
 * with the ID token validated rule by rule (§3.1.3.7), and the UserInfo endpoint (§5.3),
 * whose sub must be the ID token's (§5.3.2).
 */
import { decodeJwt } from 'jose';
import { consentAnswers } from '../harness/browser/interactions.ts';
import { defineFlow, parseWwwAuthenticate, step, withQuery, type AuthorizeOutcome, type CheckScope, type HttpResponse, type Target, type TargetClient } from '../harness/flow/index.ts';
import { codeRequest, describeNoCode, type CodeRequest } from './lib/authorization-request.ts';
import { expectSameState, promptNoneErrors } from './lib/authorization-response.ts';
import { checkIdToken, idTokenChecks, type ValidatedIdToken } from './lib/id-token.ts';
import { hasScope, scopeFor, scopeTokens } from './lib/scopes.ts';
import { checkStandardClaimTypes, standardClaimChecks } from './lib/standard-claims.ts';
import { exchangeCode, expectNoStore, expectTokenResponse, tamperToken } from './lib/token-request.ts';

interface State {
  client: TargetClient;
  request: CodeRequest;
  outcome: AuthorizeOutcome;
  tokens: Record<string, any>;
  idToken?: ValidatedIdToken;
  userinfo: HttpResponse;
  /** When the End-User signed in for the main request (ms), so a re-authentication is a later second. */
  signedInAt?: number;
  /** The prompt=login request, whether the OP asked for a new sign-in, and the code it gave after it. */
  reauth?: { request: CodeRequest; askedSignIn: boolean; code?: string };
  /** The main code and its exchange, made as soon as the code came (arrow 2), judged on arrow 3. */
  exchange?: { code: string; res: HttpResponse };
  /** The prompt=none request sent without a session, and its answer (the error response's form is judged on arrow 3). */
  promptNone?: { request: CodeRequest; outcome: AuthorizeOutcome };
}

/** max_age of the main request: the ID token must then carry auth_time (OIDC Core §2, §3.1.2.1). */
const maxAgeSeconds = 600;

/** Scopes the End-User is asked for in the main request; a prompt=none for another one meets no consent yet. */
const unconsentedCandidates = ['groups', 'phone', 'address', 'api:write', 'offline_access'];

/** An unsigned Request Object (OIDC Core §6.1) carrying the request's own parameters. */
function unsignedRequestObject(target: Target, request: CodeRequest): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'oauth-authz-req+jwt' })}.${part({ ...request.params, iss: request.client.client_id, aud: target.issuer })}.`;
}

/** A request the OP must not answer with a code: a code back fails, any refusal (error, page) passes. */
function expectNoCode(c: CheckScope, outcome: AuthorizeOutcome, what: string): string {
  c.evidence(outcome);
  if (outcome.kind === 'redirect' && outcome.params.code !== undefined) c.fail(`${what}: the OP answered with a code (no new sign-in, no error)`);
  return outcome.kind === 'page' ? `the OP showed "${outcome.title || outcome.url.split('?')[0]}"${outcome.reason === 'login-page' ? ' (the sign-in page)' : ''}` : `refused with error ${JSON.stringify(outcome.params.error ?? '(none)')}`;
}

/** The auth-params of a WWW-Authenticate challenge (RFC 6750 §3), {} when there is none. */
function parseChallenge(header: string | undefined): Record<string, string> {
  return parseWwwAuthenticate(header)?.params ?? {};
}

/** What an ID token says, without validating it again (validation is checkIdToken's). */
function claimsOf(jwt: unknown): Record<string, unknown> | undefined {
  if (typeof jwt !== 'string') return undefined;
  try {
    return decodeJwt(jwt) as Record<string, unknown>;
  } catch {
    return undefined;
  }
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
      ctx.state.request = codeRequest(ctx.target, client, { scope, nonce: true, extra: { max_age: maxAgeSeconds } });
      const user = ctx.target.user('user');
      const m = ctx.target.metadata;
      const fresh = (extra: Record<string, string | undefined> = {}, options: { redirectUri?: string } = {}) => codeRequest(ctx.target, client, { scope, nonce: true, extra, ...options });
      await ctx.check('discovery-document-has-metadata-oidc-discovery-requires', (c) => {
        const m = ctx.target.metadata;
        for (const key of requiredMetadata) c.expect(m[key], key).toBeDefined();
        c.expect(m.issuer, 'issuer (the URL the discovery document was read from)').toBe(ctx.target.issuer);
        // §3: RS256 MUST be among the ID token signing algorithms.
        c.expect(m.id_token_signing_alg_values_supported, 'id_token_signing_alg_values_supported').toContain('RS256');
      }, { soft: true });

      // OIDC Core §6.1: "Should an OP not support this parameter and an RP uses it, the OP MUST return the request_not_supported error."
      await ctx.check('request-parameter-refused-request-not-supported', async (c) => {
        if (m.request_parameter_supported === true) c.notApplicable('the metadata says request_parameter_supported true');
        const request = fresh();
        const outcome = await ctx.browser.authorize(withQuery(request.url, { request: unsignedRequestObject(ctx.target, request) }), { user });
        expectSameState(c, c.expectRedirectError(outcome, 'request_not_supported'), request.state);
      }, { soft: true });

      // OIDC Core §6.2: the same for request_uri (request_uri_not_supported). A PAR URN is RFC 9126's, not this.
      await ctx.check('request-uri-refused-request-uri-not-supported', async (c) => {
        if (m.request_uri_parameter_supported !== false) c.notApplicable(`the metadata says request_uri_parameter_supported ${m.request_uri_parameter_supported === undefined ? 'nothing (true by default, OIDC Discovery §3)' : JSON.stringify(m.request_uri_parameter_supported)}`);
        const request = fresh();
        const outcome = await ctx.browser.authorize(withQuery(request.url, { request_uri: 'https://rp.nauthera.test/request-objects/1.jwt' }), { user });
        expectSameState(c, c.expectRedirectError(outcome, 'request_uri_not_supported'), request.state);
      }, { soft: true });

      // OIDC Core §3.1.2.6 invalid_request_object, §6.3: a Request Object that is not a JWT at all is invalid.
      await ctx.check('malformed-request-object-refused-invalid-request-object', async (c) => {
        if (m.request_parameter_supported !== true) c.notApplicable('the metadata does not say request_parameter_supported true');
        const outcome = await ctx.browser.authorize(withQuery(fresh().url, { request: 'not-a-jwt' }), { user });
        const detail = expectNoCode(c, outcome, 'a malformed Request Object');
        c.should(outcome.kind === 'redirect' && outcome.params.error === 'invalid_request_object', `the refusal SHOULD be the invalid_request_object error of OIDC Core §3.1.2.6; ${detail}`);
        return detail;
      }, { soft: true });

      // OIDC Core §3.1.2.6 invalid_request_uri: "The request_uri in the Authorization Request returns an error or contains invalid data."
      await ctx.check('unreachable-request-uri-refused-invalid-request-uri', async (c) => {
        if (m.request_uri_parameter_supported === false) c.notApplicable('the metadata says request_uri_parameter_supported false');
        const outcome = await ctx.browser.authorize(withQuery(fresh().url, { request_uri: 'https://request-objects.invalid/none.jwt' }), { user });
        const detail = expectNoCode(c, outcome, 'a request_uri that cannot be fetched');
        c.should(outcome.kind === 'redirect' && outcome.params.error === 'invalid_request_uri', `the refusal SHOULD be the invalid_request_uri error of OIDC Core §3.1.2.6; ${detail}`);
        return detail;
      }, { soft: true });

      // OIDC Core §3.1.2.6 registration_not_supported (the registration parameter of §7.2.1). RFC 6749 §3.1
      // lets an OP ignore a parameter it does not know: a code or that error both conform.
      await ctx.check('registration-parameter-ignored-or-registration-not-supported', async (c) => {
        const outcome = await ctx.browser.authorize(withQuery(fresh().url, { registration: JSON.stringify({ client_name: 'nauthera' }) }), { user });
        c.evidence(outcome);
        const error = outcome.kind === 'redirect' ? outcome.params.error : undefined;
        c.should(outcome.kind === 'redirect' && (error === undefined || error === 'registration_not_supported'),
          `a request with a registration parameter SHOULD be answered as if it were not there, or with registration_not_supported; ${outcome.kind === 'page' ? `the OP stopped on "${outcome.title}"` : `it answered error ${JSON.stringify(error)}`}`);
        return error ? `refused with ${error}` : 'the parameter was ignored';
      }, { soft: true });

      // OIDC Core §3.1.2.1: "If this parameter contains none with any other value, an error is returned."
      await ctx.check('prompt-none-with-other-value-refused', async (c) => {
        const outcome = await ctx.browser.authorize(fresh({ prompt: 'none login' }).url, { user });
        return expectNoCode(c, outcome, 'prompt "none login"');
      }, { soft: true });

      // OIDC Core §3.1.2.1: redirect_uri is REQUIRED in an OpenID Connect request; §3.1.2.2 step 3 makes the OP verify
      // that every REQUIRED parameter is present.
      await ctx.check('openid-request-without-redirect-uri-refused', async (c) => {
        const request = fresh();
        const url = new URL(request.url);
        url.searchParams.delete('redirect_uri');
        const outcome = await ctx.browser.authorize(url.href, { user, redirectUris: client.redirect_uris });
        return expectNoCode(c, outcome, 'an OpenID request without redirect_uri');
      }, { soft: true });
    }, {
      key: 'authn-request',
      checks: {
        'discovery-document-has-metadata-oidc-discovery-requires': { name: 'the discovery document has the metadata OIDC Discovery requires', spec: 'OIDC Discovery §3, §4.3' },
        'request-parameter-refused-request-not-supported': { name: 'a request parameter the OP does not support is refused with request_not_supported', spec: 'OIDC Core §6.1, §3.1.2.6' },
        'request-uri-refused-request-uri-not-supported': { name: 'a request_uri the OP does not support is refused with request_uri_not_supported', spec: 'OIDC Core §6.2, §3.1.2.6' },
        'malformed-request-object-refused-invalid-request-object': { name: 'a malformed Request Object is refused (invalid_request_object)', spec: 'OIDC Core §3.1.2.6, §6.3' },
        'unreachable-request-uri-refused-invalid-request-uri': { name: 'a request_uri that cannot be fetched is refused (invalid_request_uri)', spec: 'OIDC Core §3.1.2.6, §6.2' },
        'registration-parameter-ignored-or-registration-not-supported': { name: 'a registration parameter is ignored or refused with registration_not_supported', spec: 'OIDC Core §3.1.2.6, §7.2.1', severity: 'warning' },
        'prompt-none-with-other-value-refused': { name: 'prompt=none combined with another value is refused', spec: 'OIDC Core §3.1.2.1' },
        'openid-request-without-redirect-uri-refused': { name: 'an OpenID request without redirect_uri is refused', spec: 'OIDC Core §3.1.2.1, §3.1.2.2' },
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
      ctx.state.signedInAt = Date.now();
      // Exchanged at once, judged on arrow 3: a code lives a minute or so (oidc-provider's 60 s), and this arrow's
      // checks take longer than that on a loaded machine.
      const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
      if (code) ctx.state.exchange = { code, res: await exchangeCode(ctx, ctx.state.request, code) };
      const { client, request } = ctx.state;
      const again = (options: { prompt?: string; maxAge?: number; scope?: string } = {}) => codeRequest(ctx.target, client, {
        scope: options.scope ?? request.scope, nonce: true, prompt: options.prompt, extra: { max_age: options.maxAge },
      });

      // OIDC Core §3.1.2.1 max_age: "If the elapsed time is greater than this value, the OP MUST attempt to actively
      // re-authenticate the End-User" (max_age=0 is prompt=login). A second passes first, so the elapsed time is > 0.
      await ctx.wait(Math.max(0, ctx.state.signedInAt + 1_100 - Date.now()));
      await ctx.check('max-age-zero-asks-sign-in-again', async (c) => {
        return expectNoCode(c, await ctx.browser.authorize(again({ maxAge: 0 }).url), 'max_age=0 with a session');
      }, { soft: true });

      // OIDC Core §3.1.2.1 prompt=login: the OP SHOULD ask the End-User to sign in again and, if it cannot, MUST return
      // an error: a code at once, with the old session, is neither.
      const reauthRequest = again({ prompt: 'login' });
      let askedSignIn = false;
      await ctx.check('prompt-login-asks-sign-in-again', async (c) => {
        const first = await ctx.browser.authorize(reauthRequest.url);
        askedSignIn = first.kind === 'page';
        return expectNoCode(c, first, 'prompt=login with a session');
      }, { soft: true });
      ctx.state.reauth = { request: reauthRequest, askedSignIn };
      if (askedSignIn) {
        // The End-User signs in again; the ID token of this code must say so (auth_time, judged on arrow 3).
        const second = await ctx.browser.authorize(reauthRequest.url, { user, consent: 'approve' });
        if (second.kind === 'redirect') ctx.state.reauth.code = second.params.code;
      }

      // OIDC Core §3.1.2.1 prompt=consent: the OP SHOULD ask for consent and, if it cannot, MUST return an error.
      await ctx.check('prompt-consent-asks-consent-again', async (c) => {
        if (!consentAnswers(ctx.target.login).approve) c.notApplicable('the login config answers no consent page (login.consent, or an approve decision in login.interactions): the harness cannot see one');
        const outcome = await ctx.browser.authorize(again({ prompt: 'consent' }).url, { user, consent: 'approve' });
        c.evidence(outcome);
        if (outcome.kind === 'redirect' && outcome.params.code !== undefined && outcome.consentDecision === 'not-shown') {
          c.fail('prompt=consent was answered with a code and no consent page was shown');
        }
        // 'not-found': the consent page was there, and the harness's answer to it did not finish.
        if (outcome.consentDecision === 'approved' || outcome.consentDecision === 'not-found') return `the consent page was shown (${outcome.consentDecision === 'approved' ? 'and approved' : 'the harness could not finish answering it'})`;
        return expectNoCode(c, outcome, 'prompt=consent');
      }, { soft: true });

    }, {
      key: 'authn',
      timeoutMs: 180_000,
      checks: {
        'wrong-password-does-not-authenticate-end-user': { name: 'a wrong password does not authenticate the End-User', spec: 'OIDC Core §3.1.2.3' },
        'end-user-signs-consents-sent-back-rp': { name: 'the End-User signs in, consents and is sent back to the RP', spec: 'OIDC Core §3.1.2.3-3.1.2.4' },
        'max-age-zero-asks-sign-in-again': { name: 'max_age=0 with a session asks the End-User to sign in again (no code at once)', spec: 'OIDC Core §3.1.2.1' },
        'prompt-login-asks-sign-in-again': { name: 'prompt=login with a session asks the End-User to sign in again (no code at once)', spec: 'OIDC Core §3.1.2.1' },
        'prompt-consent-asks-consent-again': { name: 'prompt=consent shows the consent page even with consent given (no code without it)', spec: 'OIDC Core §3.1.2.1' },
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
      const res = ctx.state.exchange?.code === code ? ctx.state.exchange.res : await exchangeCode(ctx, request, code);
      if (typeof res.json?.access_token === 'string') ctx.state.tokens = res.json;
      await ctx.check('code-exchanged-access-token-id-token', (c) => {
        const json = expectTokenResponse(c, res);
        expectNoStore(c, res);
        c.expect(json.id_token, 'id_token').toBeNonEmptyString();
      }, { soft: true });
      const tokens = res.json ?? {};
      // An ID token signed with alg none fails the alg check of checkIdToken (OIDC Core §3.1.3.7 step 7);
      // an OP may still list none in its discovery document (OIDC Discovery §3).
      if (typeof tokens.id_token === 'string') ctx.state.idToken = await checkIdToken(ctx, tokens.id_token, { client, nonce: request.nonce, accessToken: tokens.access_token, code, maxAgeSeconds });

      // prompt=none: the OP answers at once, with no page between request and response (§3.1.2.1).
      const again = (options: { prompt?: string; maxAge?: number; scope?: string } = {}) => codeRequest(ctx.target, client, {
        scope: options.scope ?? request.scope, nonce: true, prompt: options.prompt, extra: { max_age: options.maxAge },
      });
      // OIDC Core §3.1.2.1 prompt=none: "The Authorization Server MUST NOT display any authentication or consent user interface pages."
      await ctx.check('prompt-none-with-session-shows-no-page', async (c) => {
        const outcome = await ctx.browser.authorize(again({ prompt: 'none' }).url);
        const redirect = c.expectRedirect(outcome);
        // With a session and consent for these scopes nothing stands in the way (§3.1.2.1 lists why an error comes).
        c.should(redirect.params.code !== undefined, `with a session and consent given, prompt=none SHOULD be answered with a code; got ${describeNoCode(outcome)}`);
      }, { soft: true });

      // max_age=0 asks for a fresh sign-in and prompt=none forbids one: only an error conforms (§3.1.2.1).
      await ctx.check('prompt-none-max-age-zero-answered-error', async (c) => {
        const outcome = await ctx.browser.authorize(again({ prompt: 'none', maxAge: 0 }).url);
        expectNoCode(c, outcome, 'prompt=none with max_age=0');
        c.expectRedirectError(outcome, [...promptNoneErrors, 'invalid_request']);
      }, { soft: true });

      // A scope the End-User never consented to: prompt=none still shows no page (§3.1.2.1), a code or consent_required.
      await ctx.check('prompt-none-unconsented-scope-shows-no-page', async (c) => {
        const granted = scopeTokens(request.scope);
        const extra = scopeTokens(scopeFor(ctx.target, client, unconsentedCandidates)).find((s) => !granted.includes(s));
        if (!extra) c.notApplicable(`the client may ask for none of ${unconsentedCandidates.join(', ')} besides what was consented`);
        const outcome = await ctx.browser.authorize(again({ prompt: 'none', scope: `${request.scope} ${extra}` }).url);
        c.note('scope', `${request.scope} ${extra}`);
        c.expectRedirect(outcome);
        return outcome.kind === 'redirect' && outcome.params.error ? `answered error ${outcome.params.error}` : 'answered with a code';
      }, { soft: true });

      // Last, as it ends the session: prompt=none without one is an error response, never a page (§3.1.2.1, §3.1.2.6).
      await ctx.check('prompt-none-without-session-answered-error', async (c) => {
        await ctx.browser.resetSession();
        const silent = again({ prompt: 'none' });
        const outcome = await ctx.browser.authorize(silent.url);
        ctx.state.promptNone = { request: silent, outcome };
        c.expectRedirectError(outcome, [...promptNoneErrors, 'invalid_request']);
      }, { soft: true });

      // RFC 6749 §5.1: the token response is application/json (OIDC Core §3.1.3.3).
      await ctx.check('token-response-application-json', (c) => {
        c.evidence(res);
        if (res.status !== 200) c.notApplicable(`the code exchange was answered HTTP ${res.status}`);
        c.expect(res.header('content-type') ?? '(none)', 'Content-Type').toMatch(/^application\/json/i);
      }, { soft: true });

      // The error response of prompt=none without a session (arrow 2): §3.1.2.6 "state REQUIRED if the Authorization
      // Request included the state parameter", and in the query, the response mode of response_type code
      // (OAuth 2.0 Multiple Response Types §2.1).
      const silent = ctx.state.promptNone;
      const silentError = silent?.outcome.kind === 'redirect' && silent.outcome.params.error !== undefined ? silent.outcome : undefined;
      await ctx.check('prompt-none-error-carries-state', (c) => {
        if (!silentError) c.notApplicable('prompt=none without a session was not answered with an error response');
        c.evidence(silentError!);
        expectSameState(c, silentError!.params, silent!.request.state);
      }, { soft: true });
      await ctx.check('prompt-none-error-in-query', (c) => {
        if (!silentError) c.notApplicable('prompt=none without a session was not answered with an error response');
        c.evidence(silentError!);
        c.expect(silentError!.responseMode, `where error ${silentError!.params.error} came`).toBe('query');
      }, { soft: true });

      // OIDC Core §2 auth_time ("Time when the End-User authentication occurred"), §3.1.2.1 prompt=login: after a new
      // sign-in the ID token tells the new time, not the first sign-in's.
      await ctx.check('prompt-login-id-token-auth-time-renewed', async (c) => {
        const reauth = ctx.state.reauth;
        if (!reauth?.askedSignIn) c.notApplicable('prompt=login did not ask for a new sign-in (judged on arrow 2)');
        if (!reauth!.code) c.notApplicable('no code came back after the new sign-in');
        const first = ctx.state.idToken?.claims.auth_time;
        if (typeof first !== 'number') c.notApplicable('the first ID token has no auth_time (judged by "ID token auth_time honours max_age")');
        const again = await exchangeCode(ctx, reauth!.request, reauth!.code!);
        c.expectStatus(again, 200);
        const renewed = claimsOf(again.json?.id_token)?.auth_time;
        c.expect(renewed, 'auth_time of the ID token after the new sign-in').toBeNumber();
        c.expect(renewed as number, `auth_time after the new sign-in (the first sign-in's: ${first})`).toBeGreaterThan(first as number);
      }, { soft: true });

      // OIDC Core §2: auth_time is REQUIRED "when auth_time is requested as an Essential Claim" (§5.5.1).
      await ctx.check('claims-parameter-essential-auth-time-returned', async (c) => {
        if (ctx.target.metadata.claims_parameter_supported !== true) c.notApplicable('the metadata does not say claims_parameter_supported true');
        const asked = codeRequest(ctx.target, client, { scope: request.scope, nonce: true, extra: { claims: JSON.stringify({ id_token: { auth_time: { essential: true } } }) } });
        const outcome = await ctx.browser.authorize(asked.url, { user: ctx.target.user('user'), consent: 'approve' });
        const params = c.expectAuthorizationResponse(outcome);
        const exchanged = await exchangeCode(ctx, asked, params.code!);
        c.expectStatus(exchanged, 200);
        c.expect(claimsOf(exchanged.json?.id_token)?.auth_time, 'auth_time').toBeNumber();
      }, { soft: true });

      // OIDC Core §3.1.2.2, §5.5.1: with sub requested with a value, "The Authorization Server MUST NOT reply with an
      // ID Token or Access Token for a different user".
      await ctx.check('claims-parameter-other-sub-no-token-for-end-user', async (c) => {
        if (ctx.target.metadata.claims_parameter_supported !== true) c.notApplicable('the metadata does not say claims_parameter_supported true');
        const other = 'nauthera-someone-else';
        const asked = codeRequest(ctx.target, client, { scope: request.scope, nonce: true, extra: { claims: JSON.stringify({ id_token: { sub: { value: other } } }) } });
        const outcome = await ctx.browser.authorize(asked.url, { user: ctx.target.user('user'), consent: 'approve' });
        c.evidence(outcome);
        if (outcome.kind !== 'redirect' || !outcome.params.code) return `no code for the signed-in End-User: ${outcome.kind === 'redirect' ? `error ${outcome.params.error}` : `the OP showed "${outcome.title}"`}`;
        const exchanged = await exchangeCode(ctx, asked, outcome.params.code);
        if (exchanged.status !== 200) return `the code was not exchanged (HTTP ${exchanged.status})`;
        const sub = claimsOf(exchanged.json?.id_token)?.sub;
        if (sub !== other) c.fail(`an ID token for sub ${JSON.stringify(sub)} came back to a request for sub ${JSON.stringify(other)}`);
      }, { soft: true });
    }, {
      key: 'authn-response',
      timeoutMs: 180_000,
      needs: { outcome: 'the End-User back at the RP' },
      checks: {
        ...idTokenChecks(),
        'prompt-none-with-session-shows-no-page': { name: 'prompt=none with a session shows no page', spec: 'OIDC Core §3.1.2.1' },
        'prompt-none-max-age-zero-answered-error': { name: 'prompt=none with max_age=0 is answered with an error, not a code or a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'prompt-none-unconsented-scope-shows-no-page': { name: 'prompt=none for a scope not yet consented shows no page', spec: 'OIDC Core §3.1.2.1' },
        'prompt-none-without-session-answered-error': { name: 'prompt=none without a session is answered with an error of §3.1.2.6, not a page', spec: 'OIDC Core §3.1.2.1, §3.1.2.6' },
        'token-response-application-json': { name: 'the token response is application/json', spec: 'RFC 6749 §5.1, OIDC Core §3.1.3.3' },
        'prompt-none-error-carries-state': { name: 'the error response to prompt=none carries the state of its request', spec: 'OIDC Core §3.1.2.6, RFC 6749 §4.1.2.1' },
        'prompt-none-error-in-query': { name: 'the error response to prompt=none (response_type code) comes in the query', spec: 'OIDC Core §3.1.2.6, OAuth 2.0 Multiple Response Types §2.1' },
        'prompt-login-id-token-auth-time-renewed': { name: 'the ID token after a prompt=login sign-in has a later auth_time', spec: 'OIDC Core §2, §3.1.2.1' },
        'claims-parameter-essential-auth-time-returned': { name: 'auth_time requested as an essential claim is in the ID token', spec: 'OIDC Core §2, §5.5.1' },
        'claims-parameter-other-sub-no-token-for-end-user': { name: 'a request for another sub gets no ID token for the signed-in End-User', spec: 'OIDC Core §3.1.2.2, §5.5.1' },
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
        // RFC 6750 §3.1: "If the request lacks any authentication information ..., the resource server SHOULD NOT include an error code".
        c.should(!/error=/i.test(bare.header('www-authenticate') ?? ''), `the challenge to a request without a token SHOULD NOT carry an error code: ${bare.header('www-authenticate')}`);
      }, { soft: true });

      // OIDC Core §5.3.1: "The UserInfo Endpoint MUST support the use of the HTTP GET and HTTP POST methods."
      let postServed = false;
      await ctx.check('userinfo-answers-post-bearer-header', async (c) => {
        const res = await ctx.http.request('POST', endpoint, { bearer: ctx.state.tokens.access_token, headers: { accept: 'application/json' } });
        postServed = res.status === 200;
        c.expectStatus(res, 200);
        c.expect(c.expectJson(res).sub, 'sub').toBe(ctx.state.userinfo.json?.sub);
      }, { soft: true });

      // RFC 6750 §2: one method per request; §3.1 invalid_request for "more than one method", with HTTP 400 (SHOULD).
      await ctx.check('userinfo-token-header-and-body-invalid-request', async (c) => {
        if (!postServed) c.notApplicable('UserInfo does not answer a POST with the token in the header alone (judged by the check before)');
        const token = ctx.state.tokens.access_token as string;
        const res = await ctx.http.postForm(endpoint, { access_token: token }, { bearer: token });
        c.evidence(res);
        const challenge = parseChallenge(res.header('www-authenticate'));
        c.should(res.status === 400 && (challenge.error === 'invalid_request' || res.json?.error === 'invalid_request'),
          `a token sent both in the header and in the body SHOULD be refused with HTTP 400 invalid_request; got HTTP ${res.status}${challenge.error ? ` with error ${challenge.error}` : ''}`);
      }, { soft: true });

      // OIDC Core §5.3: UserInfo returns claims about the authenticated End-User; a client's own token has none.
      await ctx.check('userinfo-refuses-token-without-end-user', async (c) => {
        const service = ctx.target.findClient('service');
        if (!service || !ctx.target.capabilities.grantTypes.includes('client_credentials')) c.notApplicable('the target has no client_credentials client (role "service")');
        const issued = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'client_credentials', scope: service!.scope }, { client: service! });
        if (typeof issued.json?.access_token !== 'string') c.notApplicable(`no client_credentials token was issued (HTTP ${issued.status})`);
        const res = await ctx.http.get(endpoint, { bearer: issued.json.access_token });
        c.evidence(res);
        c.should(res.status >= 400, `UserInfo SHOULD refuse a token issued to a client with no End-User; it answered HTTP ${res.status}${res.json ? ` with ${Object.keys(res.json).join(', ')}` : ''}`);
        return `refused with HTTP ${res.status}`;
      }, { soft: true });
    }, {
      key: 'userinfo-request',
      needs: { tokens: 'an access token' },
      checks: {
        'userinfo-answers-request-access-token': { name: 'UserInfo answers a request with the access token', spec: 'OIDC Core §5.3.1, RFC 6750 §2.1' },
        'userinfo-refuses-invalid-access-token-401-invalid': { name: 'UserInfo refuses an invalid access token with 401 invalid_token', spec: 'OIDC Core §5.3.3, RFC 6750 §3.1' },
        'userinfo-refuses-request-without-access-token-401': { name: 'UserInfo refuses a request without an access token with 401', spec: 'RFC 6750 §3.1' },
        'userinfo-answers-post-bearer-header': { name: 'UserInfo answers a POST with the access token in the Authorization header', spec: 'OIDC Core §5.3.1, RFC 6750 §2.1' },
        'userinfo-token-header-and-body-invalid-request': { name: 'UserInfo refuses a token sent both in the header and in the body with 400 invalid_request', spec: 'RFC 6750 §2, §3.1', severity: 'warning' },
        'userinfo-refuses-token-without-end-user': { name: 'UserInfo refuses a client_credentials token (no End-User)', spec: 'OIDC Core §5.3', severity: 'warning' },
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
      }, { soft: true });
      await ctx.check('userinfo-returns-claims-granted-profile-scope', (c) => {
        if (!ctx.state.request.scope.split(' ').includes('profile')) c.notApplicable('profile was not requested');
        const profile = ['name', 'family_name', 'given_name', 'preferred_username', 'nickname'];
        const present = profile.filter((k) => claims[k] !== undefined);
        if (present.length === 0) c.fail(`none of ${profile.join(', ')} came back for the profile scope`);
        return `profile claims present: ${present.join(', ')}`;
      }, { soft: true });

      await ctx.check('userinfo-returns-email-granted-email-scope', (c) => {
        if (!hasScope(ctx.state.request.scope, 'email')) c.notApplicable('email was not requested');
        c.should(claims.email !== undefined, 'the email scope SHOULD release the email claim (OIDC Core §5.4); none came back');
      }, { soft: true });

      // OIDC Core §5.3.2: "If a Claim is not returned, that Claim Name SHOULD be omitted from the JSON object ...; it
      // SHOULD NOT be present with a null or empty string value."
      await ctx.check('userinfo-no-null-or-empty-claims', (c) => {
        const empty = Object.entries(claims).filter(([, v]) => v === null || v === '').map(([k]) => k);
        c.should(empty.length === 0, `claims present with a null or empty value: ${empty.join(', ')}`);
        return `${Object.keys(claims).length} claims, none null or empty`;
      }, { soft: true });

      await checkStandardClaimTypes(ctx, 'userinfo', claims, 'the UserInfo response');
    }, {
      key: 'userinfo-response',
      needs: { userinfo: 'the UserInfo response' },
      checks: {
        'userinfo-response-json-object-claims': { name: 'the UserInfo response is a JSON object of claims', spec: 'OIDC Core §5.3.2' },
        'userinfo-sub-equals-id-token-sub': { name: 'UserInfo sub equals the ID token sub', spec: 'OIDC Core §5.3.2' },
        'userinfo-returns-claims-granted-profile-scope': { name: 'UserInfo returns the claims of the granted profile scope', spec: 'OIDC Core §5.4', severity: 'warning' },
        'userinfo-returns-email-granted-email-scope': { name: 'UserInfo returns the email claim of the granted email scope', spec: 'OIDC Core §5.4', severity: 'warning' },
        'userinfo-no-null-or-empty-claims': { name: 'UserInfo leaves out claims it does not return instead of null or empty values', spec: 'OIDC Core §5.3.2', severity: 'warning' },
        ...standardClaimChecks('userinfo', 'UserInfo'),
      },
    }),
  ],
});
