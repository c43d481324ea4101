/**
 * Device Authorization Grant (RFC 8628), diagrams/device-code.mmd: the device gets a
 * device_code and a user_code, polls while the user is away (authorization_pending, and
 * slow_down when it polls too fast), the user opens the verification URI in the browser and
 * enters the code, signs in and consents, and the device receives its access token. On the
 * same arrow: a code the user denied gives access_denied, an expired one expired_token (§3.5).
 * Last on the user's side: after many made-up user codes the right one is refused too (§5.1).
 */
import { consentAnswers } from '../harness/browser/interactions.ts';
import { defineFlow, step, randomValue, type AuthorizeOutcome, type FlowContext, type HttpResponse, type TargetClient } from '../harness/flow/index.ts';
import {
  canonicalUserCode, deviceCodeGrantType, pollNow, pollUntilDecided, readDeviceAuthorization, requestDeviceAuthorization, startPolling,
  type DeviceAuthorization, type DevicePolling,
} from './lib/device-grant.ts';
import { scopeFor } from './lib/scopes.ts';
import { randomInt } from 'node:crypto';
import { isVisible, resolveLocator } from '../harness/browser/locators.ts';
import { expectNoStore, expectTokenResponse } from './lib/token-request.ts';

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

      await ctx.check('device-authorization-request-from-unknown-client-refused', async (c) => {
        const res = await ctx.http.postForm(ctx.target.endpoint('device_authorization_endpoint'), { client_id: `nauthera-unknown-${randomValue(6)}`, scope: ctx.state.scope });
        c.expectOAuthError(res, 'invalid_client');
      }, { soft: true });
    }, {
      key: 'device-authorization',
      checks: {
        'device-authorization-request-answered-codes': { name: 'the device authorization request is answered with the codes', spec: 'RFC 8628 §3.1, §3.2' },
        'device-authorization-request-from-unknown-client-refused': { name: 'a device authorization request from an unknown client is refused with invalid_client', spec: 'RFC 8628 §3.2, RFC 6749 §5.2' },
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
      await ctx.check('polling-before-user-acts-gets-authorization-pending', async (c) => {
        c.expectOAuthError(await pollNow(ctx, main), ['authorization_pending', 'slow_down']);
      }, { soft: true });
      // §3.5: slow_down "SHOULD" be sent; a server that just answers authorization_pending is allowed.
      await ctx.check('polling-faster-than-interval-gets-slow-down', async (c) => {
        const eager = await anotherDeviceCode(ctx);
        const first = await pollNow(ctx, eager);
        if (first.json?.error === 'slow_down') return 'the first poll already got slow_down';
        c.expectOAuthError(first, 'authorization_pending');
        c.expectOAuthError(await pollNow(ctx, eager), 'slow_down');
      });
    }, {
      key: 'device-authorization-response',
      needs: { main: 'a device authorization' },
      checks: {
        'device-code-user-code-verification-uri-expires': { name: 'device_code, user_code, verification_uri and expires_in are given', spec: 'RFC 8628 §3.2' },
        'verification-uri-complete-given-includes-user-code': { name: 'verification_uri_complete is given and includes the user_code', spec: 'RFC 8628 §3.2, §3.3.1', severity: 'warning' },
        'polling-before-user-acts-gets-authorization-pending': { name: 'polling before the user acts gets authorization_pending (or slow_down)', spec: 'RFC 8628 §3.5' },
        'polling-faster-than-interval-gets-slow-down': { name: 'polling faster than the interval gets slow_down', spec: 'RFC 8628 §3.5', severity: 'warning' },
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

      // Last of the browser's work in this flow: it may leave this address locked out for a while.
      await ctx.check('wrong-user-codes-rate-limited-after-many', async (c) => {
        if (!login.device) return c.notApplicable('the login config has no device locators (login.device) to type codes with');
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
          if (fresh || !(await isVisible(page, login.device!.userCode))) {
            await page.goto(a.verification_uri, { waitUntil: 'domcontentloaded' });
            await settle();
          }
          await resolveLocator(page, login.device!.userCode).fill(code);
          await resolveLocator(page, login.device!.submit).click({ timeout: 10_000 });
          await page.waitForLoadState('domcontentloaded').catch(() => {});
          await settle();
        };
        let refusedAt: number | undefined;
        await page.goto(a.verification_uri, { waitUntil: 'domcontentloaded' });
        for (let i = 1; i <= guesses; i++) {
          await enter(lookalikeUserCode(a.user_code));
          // A page without the code field any more (an error page, a lock-out notice) already refuses.
          if (!(await isVisible(page, login.device.userCode))) {
            refusedAt = i;
            break;
          }
        }
        const fresh = await anotherDeviceCode(ctx);
        c.note('tried', `${guesses} made-up codes in the format of ${a.user_code}, then the right code of a fresh device authorization (${fresh.authorization.user_code})`);
        // The right code on the verification page itself, never on the IdP's retry form (which may be
        // broken in ways of its own): only a refusal there is the rate limit at work.
        await enter(fresh.authorization.user_code, true);
        c.evidence(await ctx.browser.screenshot('after-wrong-codes'));
        // Accepted means the IdP moved on to sign-in, consent or a confirmation of the code.
        const movedOn = !(await isVisible(page, login.device.userCode)) && (
          await isVisible(page, login.username) || await isVisible(page, login.password)
          || await isVisible(page, login.consent?.approve) || await isVisible(page, login.device.confirm));
        c.expect(movedOn, `the right code accepted after ${refusedAt ? `the page changed at wrong code ${refusedAt}` : `${guesses} wrong codes`} (options.userCodeGuesses: ${guesses})`).toBe(false);
      });
    }, {
      key: 'user-code',
      needs: { main: 'a device authorization' },
      checks: {
        'user-enters-user-code-signs-approves-device': { name: 'the user enters the user_code, signs in and approves the device', spec: 'RFC 8628 §3.3' },
        'wrong-user-codes-rate-limited-after-many': { name: 'wrong user codes are rate-limited: after many, the right one is refused too', spec: 'RFC 8628 §5.1', severity: 'warning' },
      },
    }),

    step('Authorization Server', 'Device', 'Issue access token', async (ctx) => {
      const main = ctx.state.main!;
      await ctx.check('device-receives-access-token-once-user-approved', async (c) => {
        const res = ctx.state.mainResponse ?? await pollUntilDecided(ctx, main, Date.now() + 30_000);
        expectTokenResponse(c, res);
        expectNoStore(c, res);
      });

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
        'device-code-user-denied-gets-access-denied': { name: 'a device code the user denied gets access_denied', spec: 'RFC 8628 §3.5' },
        'expired-device-code-gets-expired-token': { name: 'an expired device code gets expired_token', spec: 'RFC 8628 §3.5' },
      },
    }),
  ],
});
