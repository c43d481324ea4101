/**
 * Device Authorization Grant (RFC 8628), diagrams/device-code.mmd: the device gets a
 * device_code and a user_code, polls while the user is away (authorization_pending, and
 * slow_down when it polls too fast), the user opens the verification URI in the browser and
 * enters the code, signs in and consents, and the device receives its access token. On the
 * same arrow: a code the user denied gives access_denied, an expired one expired_token (§3.5).
 * Last on the user's side: after many made-up user codes the right one is refused too (§5.1).
 */
import { consentAnswers } from '../harness/browser/interactions.ts';
import { defineFlow, step, randomValue, type AuthorizeOutcome, type CheckScope, type FlowContext, type HttpResponse, type TargetClient } from '../harness/flow/index.ts';
import {
  canonicalUserCode, deviceCodeGrantType, pollNow, pollPolitely, pollUntilDecided, readDeviceAuthorization, requestDeviceAuthorization, startPolling,
  type DeviceAuthorization, type DevicePolling,
} from './lib/device-grant.ts';
import { scopeFor } from './lib/scopes.ts';
import { randomInt } from 'node:crypto';
import { isVisible, resolveLocator } from '../harness/browser/locators.ts';
import { expectNoStore, expectRefused, expectTokenResponse } from './lib/token-request.ts';
import { describeBound, entropyUpperBound } from './lib/credential-entropy.ts';
import { expectBasicChallenge, expectJsonMediaType, shouldBeNoStore } from './lib/response-format.ts';

/** Longest this suite waits for a device_code to expire (options.deviceCodeMaxWaitSeconds overrides, up to 120). */
const defaultMaxExpiryWaitSeconds = 30;

/** Made-up codes typed before the right one (RFC 8628 §5.1): above the reference server's limit of 10 a minute. */
const defaultUserCodeGuesses = 12;

// Optional members keep FlowDefinition<State> assignable to FlowDefinition (harness/flow/define.ts).
interface State {
  client?: TargetClient;
  scope?: string;
  /** The code the user approves. */
  main?: DevicePolling;
  /** The device's poll once the user approved (it polls all along, RFC 8628 §3.4): judged on arrow 5. */
  mainResponse?: HttpResponse;
  /** A second code, requested at once and never approved, to see expire (expired_token). */
  expiring?: DeviceAuthorization;
  /** Who asked for it: the device-expiring client when the target has one (codes that live seconds), else the device client. */
  expiringClient?: TargetClient;
  /** The answer to the main device authorization request. */
  mainAuthorizationResponse?: HttpResponse;
  /** The device client with a secret (role device-confidential), and a code it got. */
  confidential?: TargetClient;
  confidentialCode?: DeviceAuthorization;
  /** The main code's token response, once (judged, then presented again). */
  mainTokenResponse?: HttpResponse;
  /** A code the user refuses in step 4 (before approving the main one, so no earlier consent is reused). */
  denial?: { polling?: DevicePolling; how: string; outcome?: AuthorizeOutcome; response?: HttpResponse; error?: string; notApplicable?: string };
}

function maxExpiryWaitSeconds(ctx: FlowContext<State>): number {
  const configured = ctx.target.options.deviceCodeMaxWaitSeconds;
  return typeof configured === 'number' && configured > 0 ? Math.min(configured, 120) : defaultMaxExpiryWaitSeconds;
}

/** A fresh device authorization for the same client and scope (for the negative checks). */
async function anotherDeviceCode(ctx: FlowContext<State>): Promise<DevicePolling> {
  const res = await requestDeviceAuthorization(ctx, ctx.state.client!, ctx.state.scope);
  const authorization = readDeviceAuthorization(res);
  if (!authorization) throw new Error(`a further device authorization request failed: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  return startPolling(authorization, ctx.state.client!);
}

/**
 * The user refuses a further device: with the deny button, or else as the outsider user, whom
 * the IdP must not let consent. Done before the main approval, so no consent can be reused.
 */
async function denyAnotherDevice(ctx: FlowContext<State>): Promise<NonNullable<State['denial']>> {
  const login = ctx.target.login!;
  const outsider = ctx.target.findUser('outsider');
  const byButton = Boolean(consentAnswers(login).deny && login.device);
  if (!byButton && !outsider) return { how: 'none', notApplicable: 'no way to deny: the login config has no consent.deny (with device) locators and the target no outsider user' };
  const denial: NonNullable<State['denial']> = { how: byButton ? 'the user presses the deny button on the consent page' : `the outsider user ${outsider!.username} tries to approve` };
  try {
    const polling = await anotherDeviceCode(ctx);
    const code = polling.authorization;
    denial.polling = polling;
    if (byButton) {
      denial.outcome = await ctx.browser.authorize(code.verification_uri, { user: ctx.target.user('user'), userCode: code.user_code, consent: 'deny' });
    } else {
      await ctx.browser.resetSession();
      if (login.device) denial.outcome = await ctx.browser.authorize(code.verification_uri, { user: outsider!, userCode: code.user_code, consent: 'approve' });
      else if (code.verification_uri_complete) denial.outcome = await ctx.browser.authorize(code.verification_uri_complete, { user: outsider!, consent: 'approve' });
      else return { how: denial.how, notApplicable: 'no way to deny: the login config has no device locators and the response no verification_uri_complete' };
      // The approval that follows signs in as the user, not the outsider.
      await ctx.browser.resetSession();
    }
    // The device polls all along (§3.4): its answer, taken now, is judged on arrow 5.
    denial.response = await pollUntilDecided(ctx, polling, Date.now() + 30_000);
  } catch (error) {
    denial.error = (error as Error).message;
  }
  return denial;
}

/** How many made-up codes the rate-limit check types (options.userCodeGuesses overrides, 1 to 100). */
function userCodeGuesses(ctx: FlowContext<State>): number {
  const configured = ctx.target.options.userCodeGuesses;
  return typeof configured === 'number' && Number.isInteger(configured) && configured > 0 ? Math.min(configured, 100) : defaultUserCodeGuesses;
}

/** A random code shaped like `real`: its letters' alphabet, digits for digits, its separators kept. */
function lookalikeUserCode(real: string): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  return [...real].map((ch) => (/[0-9]/.test(ch) ? String(randomInt(10)) : /[A-Za-z]/.test(ch) ? letters[randomInt(letters.length)] : ch)).join('');
}

/** A further device authorization request of the device client with this form (no client authentication beyond client_id). */
function postDeviceForm(ctx: FlowContext<State>, form: Record<string, string | undefined>): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('device_authorization_endpoint'), form);
}

const deviceAuthorizationRequestCheckDeclarations = {
  'device-authorization-response-json': { name: 'the device authorization response is application/json', spec: 'RFC 8628 §3.2' },
  'device-authorization-response-no-store': { name: 'the device authorization response is not cacheable (Cache-Control: no-store)', spec: 'RFC 8628 §3.2, RFC 6749 §5.1', severity: 'warning' },
  'device-authorization-codes-unique-per-request': { name: 'each device authorization request gets its own device_code and user_code', spec: 'RFC 8628 §3.2' },
  'device-authorization-without-client-id-refused': { name: 'a device authorization request without client_id (and no client authentication) is refused', spec: 'RFC 8628 §3.1, RFC 6749 §5.2' },
  'device-authorization-unknown-parameter-ignored': { name: 'an unknown parameter in a device authorization request is ignored', spec: 'RFC 8628 §3.1, RFC 6749 §3.2' },
  'device-authorization-empty-parameter-as-omitted': { name: 'an empty parameter in a device authorization request is treated as omitted', spec: 'RFC 8628 §3.1, RFC 6749 §3.2' },
  'device-authorization-repeated-parameter-refused': { name: 'a device authorization request with a repeated parameter is refused with invalid_request', spec: 'RFC 6749 §3.2, §5.2', severity: 'warning' },
  'device-authorization-unknown-scope-ignored-or-invalid-scope': { name: 'an unknown scope in a device authorization request is ignored or refused with invalid_scope', spec: 'RFC 8628 §3.1, RFC 6749 §3.3, §5.2' },
  'device-authorization-get-gets-no-codes': { name: 'a GET to the device authorization endpoint gets no codes', spec: 'RFC 8628 §3.1', severity: 'warning' },
  'device-authorization-client-without-device-grant-refused': { name: 'a client not registered for the device grant is refused with unauthorized_client', spec: 'RFC 8628 §3.2, RFC 6749 §5.2', severity: 'warning' },
  'confidential-device-client-authenticated-gets-codes': { name: 'a device client with a secret that authenticates gets the codes', spec: 'RFC 8628 §3.1, §3.2' },
  'confidential-device-client-without-authentication-refused': { name: 'a device client with a secret that sends only client_id is refused with invalid_client', spec: 'RFC 8628 §3.1, RFC 6749 §3.2.1, §5.2' },
  'confidential-device-client-wrong-secret-refused': { name: 'a device client with a wrong secret is refused with invalid_client', spec: 'RFC 8628 §3.1, RFC 6749 §5.2' },
  'confidential-device-client-wrong-basic-secret-401-challenge': { name: 'a wrong secret sent with HTTP Basic gets 401 and a Basic challenge', spec: 'RFC 6749 §5.2' },
} as const;

/** The device authorization endpoint's other answers (RFC 8628 §3.1, §3.2): form, client authentication, parameters. */
async function deviceAuthorizationRequestChecks(ctx: FlowContext<State>): Promise<void> {
  const client = ctx.state.client!;
  const scope = ctx.state.scope;
  const endpoint = ctx.target.endpoint('device_authorization_endpoint');
  const main = ctx.state.mainAuthorizationResponse;
  const answered = (c: CheckScope) => {
    if (!main || main.status !== 200) c.notApplicable('the device authorization request was not answered with 200 (judged by the check before)');
    return main!;
  };
  // §3.2: "in the HTTP response body using the application/json format".
  await ctx.check('device-authorization-response-json', (c) => expectJsonMediaType(c, answered(c)), { soft: true });
  // The device_code is a credential: RFC 6749 §5.1 asks no-store of every response carrying one.
  await ctx.check('device-authorization-response-no-store', (c) => shouldBeNoStore(c, answered(c)), { soft: true });
  await ctx.check('device-authorization-codes-unique-per-request', async (c) => {
    const first = readDeviceAuthorization(answered(c));
    if (!first) return c.notApplicable('the first answer lacks the codes (judged by the check before)');
    const second = readDeviceAuthorization(await requestDeviceAuthorization(ctx, client, scope));
    if (!second) return c.fail('a second device authorization request was not answered with the codes');
    c.expect(second.device_code !== first.device_code, 'a second device_code differs from the first').toBe(true);
    c.expect(canonicalUserCode(second.user_code) !== canonicalUserCode(first.user_code), `a second user_code (${second.user_code}) differs from the first (${first.user_code})`).toBe(true);
  }, { soft: true });
  await ctx.check('device-authorization-without-client-id-refused', async (c) => {
    if (client.token_endpoint_auth_method !== 'none') return c.notApplicable(`the device client authenticates with ${client.token_endpoint_auth_method}`);
    // §3.1: client_id is REQUIRED when the client does not authenticate.
    c.expectOAuthError(await postDeviceForm(ctx, { scope }), ['invalid_request', 'invalid_client']);
  }, { soft: true });
  await ctx.check('device-authorization-unknown-parameter-ignored', async (c) => {
    const res = await ctx.http.postForm(endpoint, { scope, nauthera_unknown_parameter: randomValue(6) }, { client });
    c.expectStatus(res, 200);
    c.expect(readDeviceAuthorization(res) !== undefined, 'the answer has the codes').toBe(true);
  }, { soft: true });
  await ctx.check('device-authorization-empty-parameter-as-omitted', async (c) => {
    if (client.token_endpoint_auth_method !== 'none') return c.notApplicable(`the device client authenticates with ${client.token_endpoint_auth_method}`);
    // An empty client_secret is no secret: the public device is still known by its client_id alone.
    const res = await postDeviceForm(ctx, { client_id: client.client_id, scope, client_secret: '' });
    c.expectStatus(res, 200);
    c.expect(readDeviceAuthorization(res) !== undefined, 'the answer has the codes').toBe(true);
  }, { soft: true });
  await ctx.check('device-authorization-repeated-parameter-refused', async (c) => {
    if (client.token_endpoint_auth_method !== 'none') return c.notApplicable(`the device client authenticates with ${client.token_endpoint_auth_method}`);
    const body = new URLSearchParams([['client_id', client.client_id], ['scope', scope ?? 'openid'], ['scope', scope ?? 'openid']]).toString();
    const res = await ctx.http.request('POST', endpoint, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    c.evidence(res);
    c.should(res.status >= 400 && res.json?.error === 'invalid_request', `expected invalid_request for a repeated scope, got HTTP ${res.status}${typeof res.json?.error === 'string' ? ` with error ${JSON.stringify(res.json.error)}` : ''}`);
  }, { soft: true });
  await ctx.check('device-authorization-unknown-scope-ignored-or-invalid-scope', async (c) => {
    const res = await requestDeviceAuthorization(ctx, client, `${scope ?? ''} nauthera_unknown_scope_${randomValue(4)}`.trim());
    // RFC 6749 §3.3: the server MAY ignore what it does not grant; if it refuses, the code is invalid_scope.
    if (res.status === 200) return 'ignored: the codes were issued (the granted scope is told with the tokens)';
    c.expectOAuthError(res, 'invalid_scope');
  }, { soft: true });
  await ctx.check('device-authorization-get-gets-no-codes', async (c) => {
    const res = await ctx.http.get(endpoint, { query: { client_id: client.client_id, scope } });
    c.evidence(res);
    c.should(!(res.status >= 200 && res.status < 300 && typeof res.json?.device_code === 'string'), `a GET was answered with HTTP ${res.status} and a device_code; §3.1 has the device POST`);
  }, { soft: true });
  await ctx.check('device-authorization-client-without-device-grant-refused', async (c) => {
    const other = ctx.target.findClient('service') ?? ctx.target.findClient('confidential');
    if (!other) return c.notApplicable('the target has no service or confidential client');
    if (other.grant_types.includes(deviceCodeGrantType)) return c.notApplicable(`client ${other.client_id} may use the device grant`);
    const res = await requestDeviceAuthorization(ctx, other, undefined);
    c.note('client', `${other.client_id} (role ${other.role}), grant_types ${other.grant_types.join(' ')}`);
    c.evidence(res);
    c.should(res.status >= 400 && res.json?.error === 'unauthorized_client', `expected unauthorized_client, got HTTP ${res.status}${typeof res.json?.error === 'string' ? ` with error ${JSON.stringify(res.json.error)}` : ''}`);
  }, { soft: true });

  // A device that was given a secret authenticates as at the token endpoint (§3.1).
  const confidential = ctx.target.findClient('device-confidential');
  ctx.state.confidential = confidential;
  const noConfidential = 'the target has no client with role device-confidential (a device client with a secret)';
  const confidentialScope = confidential ? scopeFor(ctx.target, confidential, ['openid', 'api:read']) || confidential.scope : undefined;
  await ctx.check('confidential-device-client-authenticated-gets-codes', async (c) => {
    if (!confidential) return c.notApplicable(noConfidential);
    const res = await requestDeviceAuthorization(ctx, confidential, confidentialScope);
    c.expectStatus(res, 200);
    ctx.state.confidentialCode = readDeviceAuthorization(res);
    c.expect(ctx.state.confidentialCode !== undefined, 'the answer has the codes').toBe(true);
  }, { soft: true });
  await ctx.check('confidential-device-client-without-authentication-refused', async (c) => {
    if (!confidential) return c.notApplicable(noConfidential);
    c.expectOAuthError(await postDeviceForm(ctx, { client_id: confidential.client_id, scope: confidentialScope }), 'invalid_client');
  }, { soft: true });
  const wrongSecret = confidential?.client_secret ? { ...confidential, client_secret: `${confidential.client_secret}-wrong` } : undefined;
  await ctx.check('confidential-device-client-wrong-secret-refused', async (c) => {
    if (!confidential) return c.notApplicable(noConfidential);
    if (!wrongSecret) return c.notApplicable(`client ${confidential.client_id} has no client_secret in the config`);
    c.expectOAuthError(await requestDeviceAuthorization(ctx, wrongSecret, confidentialScope), 'invalid_client');
  }, { soft: true });
  await ctx.check('confidential-device-client-wrong-basic-secret-401-challenge', async (c) => {
    if (!confidential) return c.notApplicable(noConfidential);
    if (!wrongSecret || confidential.token_endpoint_auth_method !== 'client_secret_basic') return c.notApplicable(`client ${confidential.client_id} does not authenticate with client_secret_basic`);
    expectBasicChallenge(c, await requestDeviceAuthorization(ctx, wrongSecret, confidentialScope));
  }, { soft: true });
}

const deviceAuthorizationResponseCheckDeclarations = {
  'device-code-entropy-at-least-128-bits': { name: 'the device_code can hold at least 128 bits of randomness', spec: 'RFC 8628 §5.2, RFC 6749 §10.10' },
  'user-code-entropy-at-least-20-bits': { name: 'the user_code can hold at least 20 bits of randomness', spec: 'RFC 8628 §5.1, §6.1', severity: 'warning' },
  'interval-positive-number-when-given': { name: 'interval, when given, is a positive number of seconds', spec: 'RFC 8628 §3.2' },
  'verification-uri-without-user-code': { name: 'verification_uri does not hold the user_code', spec: 'RFC 8628 §3.3', severity: 'warning' },
  'polling-error-json': { name: 'a polling error is application/json', spec: 'RFC 8628 §3.5, RFC 6749 §5.2' },
  'token-request-without-device-code-refused': { name: 'a device token request without device_code is refused with invalid_request', spec: 'RFC 8628 §3.4, RFC 6749 §5.2' },
  'token-request-unknown-device-code-refused': { name: 'a device token request with an unknown device_code is refused with invalid_grant', spec: 'RFC 8628 §3.5, RFC 6749 §5.2' },
  'device-code-of-another-client-refused': { name: 'a device_code presented by another client is refused (not authorization_pending)', spec: 'RFC 8628 §3.4, RFC 6749 §5.2' },
  'confidential-device-token-request-without-authentication-refused': { name: 'a device client with a secret that polls without authenticating is refused with invalid_client', spec: 'RFC 8628 §3.4, RFC 6749 §3.2.1, §5.2' },
  'confidential-device-token-request-wrong-secret-refused': { name: 'a device client with a secret that polls with a wrong secret is refused with invalid_client', spec: 'RFC 8628 §3.4, RFC 6749 §5.2' },
  'confidential-device-token-request-authenticated-pending': { name: 'a device client with a secret that polls authenticated gets authorization_pending', spec: 'RFC 8628 §3.4, §3.5' },
} as const;

/** What the device can judge of its codes before the user acts, and the token endpoint's refusals (RFC 8628 §3.2-§3.5). */
async function deviceAuthorizationResponseChecks(ctx: FlowContext<State>, pending: HttpResponse | undefined): Promise<void> {
  const main = ctx.state.main!;
  const a = main.authorization;
  const tokenEndpoint = ctx.target.endpoint('token_endpoint');
  await ctx.check('device-code-entropy-at-least-128-bits', (c) => {
    // The device_code is never typed by a person: RFC 6749 §10.10 holds it to 2^-128 (§5.2 of RFC 8628).
    const bound = entropyUpperBound(a.device_code);
    c.expect(bound.bits, `bits the device_code can hold: ${describeBound(bound)}`).toBeGreaterThanOrEqual(128);
  }, { soft: true });
  await ctx.check('user-code-entropy-at-least-20-bits', (c) => {
    const bound = entropyUpperBound(canonicalUserCode(a.user_code));
    c.should(bound.bits >= 20, `the user_code ${a.user_code} can hold ${describeBound(bound)}, under 20 bits: with rate limiting too easy to guess`);
    return `user_code ${a.user_code}: ${describeBound(bound)}`;
  }, { soft: true });
  await ctx.check('interval-positive-number-when-given', (c) => {
    const interval = ctx.state.mainAuthorizationResponse?.json?.interval;
    if (interval === undefined) return 'no interval: the device waits 5 seconds (§3.2)';
    c.expect(interval, 'interval').toBeNumber();
    c.expect(interval, 'interval').toBeGreaterThan(0);
  }, { soft: true });
  await ctx.check('verification-uri-without-user-code', (c) => {
    // §3.3: including the user code in verification_uri is NOT RECOMMENDED (that is what verification_uri_complete is for).
    const holds = canonicalUserCode(decodeURIComponent(a.verification_uri)).includes(canonicalUserCode(a.user_code));
    c.should(!holds, `verification_uri ${a.verification_uri} holds the user_code ${a.user_code}`);
    return `verification_uri ${a.verification_uri}`;
  }, { soft: true });
  await ctx.check('polling-error-json', (c) => {
    if (!pending || pending.status < 400) return c.notApplicable('the first poll was not answered with an error (judged by the check before)');
    expectJsonMediaType(c, pending);
  }, { soft: true });
  await ctx.check('token-request-without-device-code-refused', async (c) => {
    c.expectOAuthError(await ctx.http.postForm(tokenEndpoint, { grant_type: deviceCodeGrantType }, { client: main.client }), 'invalid_request');
  }, { soft: true });
  await ctx.check('token-request-unknown-device-code-refused', async (c) => {
    c.expectOAuthError(await ctx.http.postForm(tokenEndpoint, { grant_type: deviceCodeGrantType, device_code: `nauthera-unknown-${randomValue(24)}` }, { client: main.client }), 'invalid_grant');
  }, { soft: true });
  await ctx.check('device-code-of-another-client-refused', async (c) => {
    const other = [ctx.target.findClient('device-expiring'), ctx.target.findClient('device-confidential'), ctx.target.findClient('device', 1)]
      .find((o): o is TargetClient => !!o && o.client_id !== main.client.client_id);
    if (!other) return c.notApplicable('the target has no second device client (role device-expiring, device-confidential, or a second device)');
    // A fresh, pending code: refused for the wrong client, a server that ignores whose code it is answers authorization_pending.
    const code = await anotherDeviceCode(ctx);
    c.note('presented by', `${other.client_id} (role ${other.role}); issued to ${main.client.client_id}`);
    c.expectOAuthError(await pollNow(ctx, startPolling(code.authorization, other)), ['invalid_grant', 'invalid_client', 'unauthorized_client']);
  }, { soft: true });
  await ctx.check('confidential-device-token-request-without-authentication-refused', async (c) => {
    const confidential = ctx.state.confidential;
    if (!confidential) return c.notApplicable('the target has no client with role device-confidential (a device client with a secret)');
    const code = ctx.state.confidentialCode;
    if (!code) return c.notApplicable('the device client with a secret got no codes (judged on "Request device code")');
    // §3.4: a client that was issued credentials MUST authenticate; client_id alone is not that.
    c.expectOAuthError(await ctx.http.postForm(tokenEndpoint, { grant_type: deviceCodeGrantType, device_code: code.device_code, client_id: confidential.client_id }), 'invalid_client');
  }, { soft: true });
  await ctx.check('confidential-device-token-request-wrong-secret-refused', async (c) => {
    const confidential = ctx.state.confidential;
    if (!confidential) return c.notApplicable('the target has no client with role device-confidential (a device client with a secret)');
    const code = ctx.state.confidentialCode;
    if (!code) return c.notApplicable('the device client with a secret got no codes (judged on "Request device code")');
    if (!confidential.client_secret) return c.notApplicable(`client ${confidential.client_id} has no client_secret in the config`);
    const wrong = { ...confidential, client_secret: `${confidential.client_secret}-wrong` };
    c.expectOAuthError(await ctx.http.postForm(tokenEndpoint, { grant_type: deviceCodeGrantType, device_code: code.device_code }, { client: wrong }), 'invalid_client');
  }, { soft: true });
  await ctx.check('confidential-device-token-request-authenticated-pending', async (c) => {
    const confidential = ctx.state.confidential;
    if (!confidential) return c.notApplicable('the target has no client with role device-confidential (a device client with a secret)');
    const code = ctx.state.confidentialCode;
    if (!code) return c.notApplicable('the device client with a secret got no codes (judged on "Request device code")');
    // Its first authenticated poll: slow_down is as right as authorization_pending to a first poll (§3.5).
    c.expectOAuthError(await pollNow(ctx, startPolling(code, confidential)), ['authorization_pending', 'slow_down']);
  }, { soft: true });
}

const userCodeInputCheckDeclarations = {
  'user-code-typed-lowercase-accepted': { name: 'the user_code typed in lower case is accepted', spec: 'RFC 8628 §6.1', severity: 'warning' },
  'user-code-typed-without-separators-accepted': { name: 'the user_code typed without its dashes is accepted', spec: 'RFC 8628 §6.1', severity: 'warning' },
  'used-user-code-refused': { name: 'a user_code already approved is refused when typed again', spec: 'RFC 8628 §3.3, §5.4', severity: 'warning' },
} as const;

/**
 * Types `code` on the verification page (a fresh load) and says whether the IdP moved on to
 * sign-in, consent or a confirmation of the code, i.e. took it.
 */
async function typeUserCode(ctx: FlowContext<State>, verificationUri: string, code: string): Promise<boolean> {
  const login = ctx.target.login!;
  const device = login.device!;
  const page = await ctx.browser.page();
  const settle = async () => {
    const since = Date.now();
    const settleMs = login.settleMs ?? 500;
    while (!ctx.browser.settled(since, settleMs) && Date.now() - since < 15_000) await ctx.wait(50);
  };
  await page.goto(verificationUri, { waitUntil: 'domcontentloaded' });
  await settle();
  await resolveLocator(page, device.userCode).fill(code);
  await resolveLocator(page, device.submit).click({ timeout: 10_000 });
  await page.waitForLoadState('domcontentloaded').catch(() => {});
  await settle();
  return !(await isVisible(page, device.userCode)) && (
    await isVisible(page, login.username) || await isVisible(page, login.password)
    || await isVisible(page, login.consent?.approve) || await isVisible(page, device.confirm));
}

/**
 * How the verification page reads what a person types (§6.1: case and the dashes added for
 * readability should not matter), and that a code already used does not start a second
 * approval. Each typed variant is of a fresh code, and none is a wrong code for a rate limit.
 */
async function userCodeInputChecks(ctx: FlowContext<State>): Promise<void> {
  const noLocators = 'the login config has no device locators (login.device) to type codes with';
  const hasDevice = Boolean(ctx.target.login?.device);
  await ctx.check('user-code-typed-lowercase-accepted', async (c) => {
    if (!hasDevice) return c.notApplicable(noLocators);
    const fresh = (await anotherDeviceCode(ctx)).authorization;
    const typed = fresh.user_code.toLowerCase();
    if (typed === fresh.user_code) return c.notApplicable(`the user_code ${fresh.user_code} has no letters`);
    const taken = await typeUserCode(ctx, fresh.verification_uri, typed);
    c.evidence(await ctx.browser.screenshot('user-code-lowercase'));
    c.should(taken, `typed as ${typed}, the user_code ${fresh.user_code} was not accepted`);
    return `typed ${typed} for ${fresh.user_code}: ${taken ? 'accepted' : 'refused'}`;
  }, { soft: true });
  await ctx.check('user-code-typed-without-separators-accepted', async (c) => {
    if (!hasDevice) return c.notApplicable(noLocators);
    const fresh = (await anotherDeviceCode(ctx)).authorization;
    const typed = fresh.user_code.replace(/[^0-9A-Za-z]/g, '');
    if (typed === fresh.user_code) return c.notApplicable(`the user_code ${fresh.user_code} has no dashes or other separators`);
    const taken = await typeUserCode(ctx, fresh.verification_uri, typed);
    c.evidence(await ctx.browser.screenshot('user-code-without-separators'));
    c.should(taken, `typed as ${typed}, the user_code ${fresh.user_code} was not accepted`);
    return `typed ${typed} for ${fresh.user_code}: ${taken ? 'accepted' : 'refused'}`;
  }, { soft: true });
  await ctx.check('used-user-code-refused', async (c) => {
    if (!hasDevice) return c.notApplicable(noLocators);
    const main = ctx.state.main!.authorization;
    if (!ctx.state.mainResponse || ctx.state.mainResponse.status !== 200) return c.notApplicable('the main code was not approved and redeemed (judged by the checks of its own)');
    const taken = await typeUserCode(ctx, main.verification_uri, main.user_code);
    c.evidence(await ctx.browser.screenshot('used-user-code'));
    c.should(!taken, `the user_code ${main.user_code}, approved and redeemed, was taken again: a second approval could begin`);
    return `typed ${main.user_code} again: ${taken ? 'accepted' : 'refused'}`;
  }, { soft: true });
}

export default defineFlow<State>({
  id: 'device-code',
  title: 'Device Authorization Grant',
  diagram: 'diagrams/device-code.mmd',
  needs: {
    clients: ['device'],
    users: ['user'],
    login: true,
    endpoints: ['device_authorization_endpoint', 'token_endpoint'],
    grantTypes: [deviceCodeGrantType],
  },
  applicable: (target) => {
    const login = target.login!;
    if (!login.device && !consentAnswers(login).approve) return { reason: 'the login config has neither device locators (login.device) nor consent locators to finish a verification' };
    return true;
  },
  steps: [
    step('Device', 'Authorization Server', 'Request device code', async (ctx) => {
      const client = ctx.target.client('device');
      ctx.state.client = client;
      ctx.state.scope = scopeFor(ctx.target, client, ['openid', 'profile', 'api:read']) || client.scope;

      await ctx.check('device-authorization-request-answered-codes', async (c) => {
        const res = await requestDeviceAuthorization(ctx, client, ctx.state.scope);
        ctx.state.mainAuthorizationResponse = res;
        c.expectStatus(res, 200);
        c.expectJson(res);
        const authorization = readDeviceAuthorization(res);
        if (authorization) ctx.state.main = startPolling(authorization, client);
        c.expect(authorization !== undefined, 'the response has device_code, user_code, verification_uri and expires_in').toBe(true);
      });
      // Requested now so that its lifetime runs out while the rest of the flow goes on.
      const expiringClient = ctx.target.findClient('device-expiring') ?? client;
      ctx.state.expiringClient = expiringClient;
      const expiringScope = expiringClient === client ? ctx.state.scope : scopeFor(ctx.target, expiringClient, ['openid', 'api:read']) || expiringClient.scope;
      ctx.state.expiring = readDeviceAuthorization(await requestDeviceAuthorization(ctx, expiringClient, expiringScope));

      let unknownClient: HttpResponse | undefined;
      await ctx.check('device-authorization-request-from-unknown-client-refused', async (c) => {
        const res = await ctx.http.postForm(ctx.target.endpoint('device_authorization_endpoint'), { client_id: `nauthera-unknown-${randomValue(6)}`, scope: ctx.state.scope });
        unknownClient = res;
        c.expectOAuthError(res, 'invalid_client');
      }, { soft: true });
      // §3.2: errors as in RFC 6749 §5.2, whose parameters travel as application/json.
      await ctx.check('device-authorization-error-json', (c) => {
        if (!unknownClient || unknownClient.status < 400) return c.notApplicable('the request of an unknown client was not refused (judged by the check before)');
        expectJsonMediaType(c, unknownClient);
      }, { soft: true });
      await deviceAuthorizationRequestChecks(ctx);
    }, {
      key: 'device-authorization',
      checks: {
        'device-authorization-request-answered-codes': { name: 'the device authorization request is answered with the codes', spec: 'RFC 8628 §3.1, §3.2' },
        'device-authorization-request-from-unknown-client-refused': { name: 'a device authorization request from an unknown client is refused with invalid_client', spec: 'RFC 8628 §3.2, RFC 6749 §5.2' },
        'device-authorization-error-json': { name: 'an error from the device authorization endpoint is application/json', spec: 'RFC 8628 §3.2, RFC 6749 §5.2' },
        ...deviceAuthorizationRequestCheckDeclarations,
      },
    }),

    step('Authorization Server', 'Device', 'Provide device code and user verification URL', async (ctx) => {
      const main = ctx.state.main!;
      const a = main.authorization;

      await ctx.check('device-code-user-code-verification-uri-expires', (c) => {
        c.expect(a.device_code, 'device_code').toBeNonEmptyString();
        c.expect(a.user_code, 'user_code').toBeNonEmptyString();
        c.expect(/^https?:\/\//i.test(a.verification_uri), `verification_uri ${a.verification_uri} is an absolute http(s) URI`).toBe(true);
        c.expect(a.expires_in, 'expires_in').toBeGreaterThan(0);
        c.note('user_code', a.user_code);
      });
      // OPTIONAL (§3.2): it lets the user skip typing (§3.3.1).
      await ctx.check('verification-uri-complete-given-includes-user-code', (c) => {
        c.expect(a.verification_uri_complete, 'verification_uri_complete').toBeNonEmptyString();
        const decoded = decodeURIComponent(a.verification_uri_complete!);
        c.expect(canonicalUserCode(decoded).includes(canonicalUserCode(a.user_code)), 'verification_uri_complete holds the user_code').toBe(true);
      });

      // The device starts polling (§3.4) before the user has done anything.
      // slow_down is as right as authorization_pending to a poll that came at once (§3.5).
      let pending: HttpResponse | undefined;
      await ctx.check('polling-before-user-acts-gets-authorization-pending', async (c) => {
        pending = await pollNow(ctx, main);
        c.expectOAuthError(pending, ['authorization_pending', 'slow_down']);
      }, { soft: true });
      // §3.5: slow_down "SHOULD" be sent; a server that just answers authorization_pending is allowed.
      await ctx.check('polling-faster-than-interval-gets-slow-down', async (c) => {
        // Two polls in a row; on a loaded machine they may end up an interval apart, which is no
        // longer too fast: then the pair is tried again with a fresh code.
        for (let attempt = 1; ; attempt++) {
          const eager = await anotherDeviceCode(ctx);
          const first = await pollNow(ctx, eager);
          if (first.json?.error === 'slow_down') return 'the first poll already got slow_down';
          c.expectOAuthError(first, 'authorization_pending');
          const firstAt = eager.lastPollAt!;
          const second = await pollNow(ctx, eager);
          const gap = eager.lastPollAt! - firstAt;
          if (gap >= eager.authorization.interval * 1000 && attempt < 3) continue;
          if (gap >= eager.authorization.interval * 1000) return c.notApplicable(`three times the second poll left ${gap} ms after the first, not sooner than the interval (${eager.authorization.interval} s)`);
          c.expectOAuthError(second, 'slow_down');
          return;
        }
      });
      await deviceAuthorizationResponseChecks(ctx, pending);
    }, {
      key: 'device-authorization-response',
      needs: { main: 'a device authorization' },
      checks: {
        'device-code-user-code-verification-uri-expires': { name: 'device_code, user_code, verification_uri and expires_in are given', spec: 'RFC 8628 §3.2' },
        'verification-uri-complete-given-includes-user-code': { name: 'verification_uri_complete is given and includes the user_code', spec: 'RFC 8628 §3.2, §3.3.1', severity: 'warning' },
        'polling-before-user-acts-gets-authorization-pending': { name: 'polling before the user acts gets authorization_pending (or slow_down)', spec: 'RFC 8628 §3.5' },
        'polling-faster-than-interval-gets-slow-down': { name: 'polling faster than the interval gets slow_down', spec: 'RFC 8628 §3.5', severity: 'warning' },
        ...deviceAuthorizationResponseCheckDeclarations,
      },
    }),

    step('User', 'Authorization Server', 'Visit user verification URL', async (ctx) => {
      const a = ctx.state.main!.authorization;
      const page = await ctx.browser.page();
      await ctx.check('verification-uri-opens-browser', async (c) => {
        const response = await page.goto(a.verification_uri, { waitUntil: 'domcontentloaded' });
        c.evidence(await ctx.browser.screenshot('verification-uri'));
        c.expect(response?.status(), `HTTP status of ${a.verification_uri}`).toBeLessThan(400);
        c.pass(`the browser shows "${await page.title()}"`);
      });
      // §3.3.1: with verification_uri_complete the server SHOULD show the user_code for the user to compare.
      await ctx.check('verification-uri-complete-shows-user-code-confirm', async (c) => {
        if (!a.verification_uri_complete) return c.notApplicable('the response has no verification_uri_complete');
        await page.goto(a.verification_uri_complete, { waitUntil: 'domcontentloaded' });
        c.evidence(await ctx.browser.screenshot('verification-uri-complete'));
        const text = await page.locator('body').innerText({ timeout: 5_000 }).catch(() => '');
        const values = await page.locator('input:not([type=hidden])').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)).catch(() => [] as string[]);
        const shown = [text, ...values].some((v) => canonicalUserCode(v).includes(canonicalUserCode(a.user_code)));
        c.expect(shown, `the page shows or prefills ${a.user_code}`).toBe(true);
      });
    }, {
      key: 'verification-page',
      needs: { main: 'a device authorization' },
      checks: {
        'verification-uri-opens-browser': { name: 'the verification URI opens in the browser', spec: 'RFC 8628 §3.3' },
        'verification-uri-complete-shows-user-code-confirm': { name: 'verification_uri_complete shows the user_code to confirm', spec: 'RFC 8628 §3.3.1', severity: 'warning' },
      },
    }),

    step('User', 'Authorization Server', 'Enter device code', async (ctx) => {
      const a = ctx.state.main!.authorization;
      const login = ctx.target.login!;
      const user = ctx.target.user('user');

      // First the user refuses another device, before any consent exists that an IdP could
      // silently reuse; the device's poll for it is checked on "Issue access token".
      ctx.state.denial = await denyAnotherDevice(ctx);

      await ctx.check('user-enters-user-code-signs-approves-device', async (c) => {
        let outcome;
        if (login.device) {
          outcome = await ctx.browser.authorize(a.verification_uri, { user, userCode: a.user_code, consent: 'approve' });
        } else if (a.verification_uri_complete) {
          c.note('how', 'no login.device locators: the code comes in verification_uri_complete');
          outcome = await ctx.browser.authorize(a.verification_uri_complete, { user, consent: 'approve' });
        } else {
          return c.notApplicable('the login config has no device locators (login.device) and the response no verification_uri_complete');
        }
        c.evidence(outcome);
        if (outcome.kind === 'redirect') return c.fail(`the browser was redirected to ${outcome.redirectUri}; a device verification ends on the authorization server's page`);
        c.expect(outcome.reason, 'where the browser stopped').toBe('stopped');
        c.pass(`the browser ended on "${outcome.title}": ${outcome.text.replace(/\s+/g, ' ').slice(0, 120)}`);
        // The device has been polling all along (§3.4): it takes its token now, before the checks
        // below keep the browser busy past a short device_code lifetime. Arrow 5 judges the answer.
        ctx.state.mainResponse = await pollUntilDecided(ctx, ctx.state.main!, Date.now() + 30_000);
      });

      await userCodeInputChecks(ctx);

      // Last of the browser's work in this flow: it may leave this address locked out for a while.
      await ctx.check('wrong-user-codes-rate-limited-after-many', async (c) => {
        if (!login.device) return c.notApplicable('the login config has no device locators (login.device) to type codes with');
        const device = login.device;
        const guesses = userCodeGuesses(ctx);
        const page = await ctx.browser.page();
        // Read a page only once it has settled (no navigation, the network idle), as authorize() does.
        const settle = async () => {
          const since = Date.now();
          const settleMs = login.settleMs ?? 500;
          while (!ctx.browser.settled(since, settleMs) && Date.now() - since < 15_000) await ctx.wait(50);
        };
        const enter = async (code: string, fresh = false) => {
          // A refused code usually comes back on the form itself: type the next one there.
          if (fresh || !(await isVisible(page, device.userCode))) {
            await page.goto(a.verification_uri, { waitUntil: 'domcontentloaded' });
            await settle();
          }
          await resolveLocator(page, device.userCode).fill(code);
          await resolveLocator(page, device.submit).click({ timeout: 10_000 });
          await page.waitForLoadState('domcontentloaded').catch(() => {});
          await settle();
        };
        // The made-up codes go in from a few tabs at once (one address, as a guesser's would be):
        // a limit counts them all the same, and the run does not wait for each page in turn.
        const tabs = Math.min(4, guesses);
        const context = await ctx.browser.context();
        let typed = 0;
        let refusedAt: number | undefined;
        const guessFrom = async (share: number) => {
          const tab = await context.newPage();
          try {
            await tab.goto(a.verification_uri, { waitUntil: 'domcontentloaded' });
            for (let i = 0; i < share && refusedAt === undefined; i++) {
              // A page without the code field any more (an error page, a lock-out notice) already refuses.
              if (!(await isVisible(tab, device.userCode))) {
                refusedAt ??= typed;
                return;
              }
              await resolveLocator(tab, device.userCode).fill(lookalikeUserCode(a.user_code));
              await Promise.all([
                tab.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 10_000 }).catch(() => {}),
                resolveLocator(tab, device.submit).click({ timeout: 10_000 }),
              ]);
              typed++;
            }
            if (refusedAt === undefined && !(await isVisible(tab, device.userCode))) refusedAt = typed;
          } finally {
            await tab.close().catch(() => {});
          }
        };
        await Promise.all(Array.from({ length: tabs }, (_, t) => guessFrom(Math.floor(guesses / tabs) + (t < guesses % tabs ? 1 : 0))));
        const fresh = await anotherDeviceCode(ctx);
        c.note('tried', `${typed} made-up codes in the format of ${a.user_code} from ${tabs} tabs, then the right code of a fresh device authorization (${fresh.authorization.user_code})`);
        // The right code on the verification page itself, never on the IdP's retry form (which may be
        // broken in ways of its own): only a refusal there is the rate limit at work.
        await enter(fresh.authorization.user_code, true);
        c.evidence(await ctx.browser.screenshot('after-wrong-codes'));
        // Accepted means the IdP moved on to sign-in, consent or a confirmation of the code.
        const movedOn = !(await isVisible(page, device.userCode)) && (
          await isVisible(page, login.username) || await isVisible(page, login.password)
          || await isVisible(page, login.consent?.approve) || await isVisible(page, device.confirm));
        c.expect(movedOn, `the right code accepted after ${refusedAt !== undefined ? `the page changed at wrong code ${refusedAt}` : `${guesses} wrong codes`} (options.userCodeGuesses: ${guesses})`).toBe(false);
      });
    }, {
      // Several sign-ins and typed codes, one after the other in the browser.
      key: 'user-code', timeoutMs: 180_000,
      needs: { main: 'a device authorization' },
      checks: {
        'user-enters-user-code-signs-approves-device': { name: 'the user enters the user_code, signs in and approves the device', spec: 'RFC 8628 §3.3' },
        'wrong-user-codes-rate-limited-after-many': { name: 'wrong user codes are rate-limited: after many, the right one is refused too', spec: 'RFC 8628 §5.1', severity: 'warning' },
        ...userCodeInputCheckDeclarations,
      },
    }),

    step('Authorization Server', 'Device', 'Issue access token', async (ctx) => {
      const main = ctx.state.main!;
      await ctx.check('device-receives-access-token-once-user-approved', async (c) => {
        const res = ctx.state.mainResponse ?? await pollUntilDecided(ctx, main, Date.now() + 30_000);
        ctx.state.mainTokenResponse = res;
        expectTokenResponse(c, res);
        expectNoStore(c, res);
      });
      await ctx.check('device-token-response-json', (c) => {
        const res = ctx.state.mainTokenResponse;
        if (!res || res.status !== 200) return c.notApplicable('no token response (judged by the check before)');
        expectJsonMediaType(c, res);
      }, { soft: true });
      // Presented again once its tokens were issued: the grant is spent (RFC 6749 §10.5, as an authorization code).
      let reuse: HttpResponse | undefined;
      await ctx.check('reused-device-code-refused', async (c) => {
        if (ctx.state.mainTokenResponse?.status !== 200) return c.notApplicable('the device_code was not redeemed (judged by the check before)');
        reuse = await pollNow(ctx, startPolling(main.authorization, main.client));
        expectRefused(c, reuse);
      }, { soft: true });
      await ctx.check('reused-device-code-error-code', (c) => {
        if (!reuse) return c.notApplicable('the device_code was not presented again');
        if (reuse.status >= 200 && reuse.status < 300) return c.notApplicable('the second use was not refused (judged by the check before)');
        // invalid_grant (a spent grant), or expired_token: "the device authorization session has concluded" (§3.5).
        c.expectOAuthError(reuse, ['invalid_grant', 'expired_token']);
      }, { soft: true });

      await ctx.check('device-code-user-denied-gets-access-denied', async (c) => {
        const denial = ctx.state.denial!;
        if (denial.notApplicable) return c.notApplicable(denial.notApplicable);
        c.note('how', denial.how);
        if (denial.error) return c.fail(`the browser could not finish the denial: ${denial.error}`);
        c.evidence(denial.outcome);
        // A user who could not press deny did not deny (RFC 8628 §3.5 access_denied is the user's refusal).
        const decision = (denial.outcome as { consentDecision?: string } | undefined)?.consentDecision;
        if (denial.how !== 'none' && denial.how.includes('deny button') && decision !== undefined && decision !== 'denied') {
          return c.notApplicable(`the user could not deny: ${decision === 'not-shown' ? 'no consent page was shown' : 'the deny control (login.consent.deny) matched nothing'}`);
        }
        c.expectOAuthError(denial.response ?? await pollUntilDecided(ctx, denial.polling!, Date.now() + 30_000), 'access_denied');
      }, { soft: true });
      await ctx.check('denied-device-code-polled-again-gets-no-tokens', async (c) => {
        const denial = ctx.state.denial!;
        if (denial.notApplicable) return c.notApplicable(denial.notApplicable);
        if (!denial.polling || denial.response?.json?.error !== 'access_denied') return c.notApplicable('no access_denied answer to the denied code was recorded (judged by the check before)');
        // A device that polls on after access_denied (it MUST stop, §3.5) still gets nothing.
        expectRefused(c, await pollPolitely(ctx, denial.polling));
      }, { soft: true });

      await ctx.check('expired-device-code-gets-expired-token', async (c) => {
        const expiring = ctx.state.expiring;
        if (!expiring) return c.fail('the second device authorization request (made in step 1) failed');
        const maxWait = maxExpiryWaitSeconds(ctx);
        const who = ctx.state.expiringClient!;
        c.note('client', `${who.client_id} (role ${who.role})`);
        if (expiring.expires_in > maxWait) {
          const hint = who.role === 'device-expiring' ? '' : '; a client with role device-expiring, whose device codes live less, lets this check run';
          return c.notApplicable(`the device_code lives ${expiring.expires_in} s, longer than this run waits for it (options.deviceCodeMaxWaitSeconds: ${maxWait})${hint}`);
        }
        // Past expires_in, with a second's margin for servers that count whole seconds.
        const expiredAt = expiring.receivedAt + expiring.expires_in * 1000 + 1_000;
        if (expiredAt > Date.now()) await ctx.wait(expiredAt - Date.now());
        c.expectOAuthError(await pollNow(ctx, startPolling(expiring, who)), 'expired_token');
      }, { soft: true });
    }, {
      key: 'token-response', timeoutMs: 180_000, needs: { main: 'a device authorization' },
      checks: {
        'device-receives-access-token-once-user-approved': { name: 'the device receives an access token once the user approved', spec: 'RFC 8628 §3.5, RFC 6749 §5.1' },
        'device-token-response-json': { name: 'the device token response is application/json', spec: 'RFC 8628 §3.5, RFC 6749 §5.1' },
        'reused-device-code-refused': { name: 'a device_code whose tokens were issued is refused when presented again', spec: 'RFC 8628 §3.5, RFC 6749 §10.5' },
        'reused-device-code-error-code': { name: 'a device_code presented again is refused with invalid_grant or expired_token', spec: 'RFC 8628 §3.5, RFC 6749 §5.2' },
        'device-code-user-denied-gets-access-denied': { name: 'a device code the user denied gets access_denied', spec: 'RFC 8628 §3.5' },
        'denied-device-code-polled-again-gets-no-tokens': { name: 'a denied device code polled again gets no tokens', spec: 'RFC 8628 §3.5' },
        'expired-device-code-gets-expired-token': { name: 'an expired device code gets expired_token', spec: 'RFC 8628 §3.5' },
      },
    }),
  ],
});
