/**
 * The consent page as its own arrows ("Display consent", "Give consent"): ctx.browser.authorize()
 * signs in and consents in one go, so a suite that must observe the consent page before
 * answering it drives the IdP's pages itself, with the target's login locators.
 */
import type { FlowContext, TargetUser } from '../../harness/flow/index.ts';
import { describeLocator, isVisible, resolveLocator } from '../../harness/browser/locators.ts';
import { defaultSettleMs } from '../../harness/browser/flow-browser.ts';
import { noteSecretsInParams } from '../../harness/http/handled-secrets.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const keyOf = (uri: string) => {
  const u = new URL(uri);
  return `${u.origin}${u.pathname}`;
};

export interface ConsentPage {
  url: string;
  title: string;
  /** The page's visible text (first 1000 characters). */
  text: string;
}

/**
 * Opens `url`, signs in as `user` and stops on the consent page. Throws, saying where the
 * browser is, when the sign-in is refused, when the browser reaches `redirectUri` without
 * a consent page, or when no consent page appears in time.
 */
export async function openConsentPage(ctx: FlowContext<any>, url: string, user: TargetUser, redirectUri: string): Promise<ConsentPage> {
  const login = ctx.target.login;
  if (!login?.consent) throw new Error('the target\'s login automation has no consent locators (login.consent in the config)');
  const page = await ctx.browser.page();
  const timeoutMs = login.timeoutMs ?? 30_000;
  const settleMs = login.settleMs ?? defaultSettleMs;
  const deadline = Date.now() + timeoutMs;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs }).catch(() => {});
  let submitted = false;
  let submittedAt = 0;
  for (;;) {
    if (ctx.signal.aborted) throw new Error('the step was aborted');
    if (keyOf(page.url()) === keyOf(redirectUri)) throw new Error(`the browser went straight to ${redirectUri} without a consent page`);
    if (await isVisible(page, login.consent.approve)) {
      await ctx.browser.screenshot('consent-page');
      const text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      return { url: page.url(), title: await page.title().catch(() => ''), text: text.slice(0, 1_000) };
    }
    const seenAt = page.url();
    const usernameVisible = await isVisible(page, login.username);
    const passwordVisible = await isVisible(page, login.password);
    if ((usernameVisible || passwordVisible) && page.url() === seenAt) {
      if (submitted) {
        if (ctx.browser.settled(submittedAt, settleMs)) throw new Error(`the sign-in page came back after signing in as ${user.username}: "${await page.title().catch(() => '')}" at ${page.url().split('?')[0]}`);
      } else {
        if (usernameVisible) await resolveLocator(page, login.username).fill(user.username);
        if (passwordVisible) {
          await resolveLocator(page, login.password).fill(user.password);
          await ctx.browser.screenshot('sign-in');
          await resolveLocator(page, login.submit).click({ timeout: 10_000 });
          submitted = true;
          submittedAt = Date.now();
        } else {
          await resolveLocator(page, login.next ?? login.submit).click({ timeout: 10_000 });
        }
        await page.waitForLoadState('domcontentloaded').catch(() => {});
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no consent page (${describeLocator(login.consent.approve)}) within ${timeoutMs} ms; the browser is at ${page.url().split('?')[0]} ("${await page.title().catch(() => '')}")`);
    }
    await sleep(100);
  }
}

/**
 * Answers the open consent page and waits for the authorization response at `redirectUri`
 * (query or fragment); resolves to its parameters.
 */
export async function answerConsent(ctx: FlowContext<any>, decision: 'approve' | 'deny', redirectUri: string): Promise<{ url: string; params: Record<string, string> }> {
  const login = ctx.target.login;
  const spec = decision === 'approve' ? login?.consent?.approve : login?.consent?.deny;
  if (!spec) throw new Error(`the target's login automation has no login.consent.${decision} locator`);
  const page = await ctx.browser.page();
  const key = keyOf(redirectUri);
  const timeout = login?.timeoutMs ?? 30_000;
  // The response is a navigation to the redirect URI (a 302 or a form post), which the flow browser answers with a stub page.
  const arrived = page.waitForRequest((r) => r.isNavigationRequest() && keyOf(r.url()) === key, { timeout });
  // Awaited below; if the click throws first, its rejection (the page closing) must not go unhandled.
  arrived.catch(() => undefined);
  await resolveLocator(page, spec).click({ timeout: 10_000 });
  const request = await arrived;
  const url = new URL(request.url());
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  for (const [k, v] of new URLSearchParams(request.postData() ?? '')) params[k] = v;
  // A fragment never reaches the network: read it from the page once the stub has committed.
  await page.waitForURL((u) => keyOf(u.toString()) === key, { timeout: 5_000, waitUntil: 'commit' }).catch(() => {});
  const hash = new URL(page.url()).hash;
  if (hash.length > 1) for (const [k, v] of new URLSearchParams(hash.slice(1))) params[k] = v;
  // An authorization response read here, not by the flow browser: its code is a secret of the run too.
  noteSecretsInParams(params);
  return { url: request.url(), params };
}
