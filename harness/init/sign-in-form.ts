/**
 * Finds an IdP's sign-in form (and, with a user, its consent buttons) on the real page an
 * authorization request opens, and writes each control as the config's locator spec, by
 * label or role and accessible name first (harness/browser/locators.ts). Every locator is
 * checked to point at the control it was made from, then used: fields are filled, the submit
 * button is clicked (with a user; without one it is only checked to be clickable), and the
 * consent buttons are pressed.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { LocatorSpec, LoginAutomation, TargetUser } from '../target/model.ts';
import { describeLocator, resolveLocatorAll } from '../browser/locators.ts';

export interface SignInFindings {
  /** The locators found and tried; absent when no sign-in form was found. */
  login?: LoginAutomation;
  /** What was tried and how it went, one line each, for the console. */
  notes: string[];
  /** What could not be found or did not work, one line each: the to-do list. */
  problems: string[];
}

const approveNames = /^(allow|authori[sz]e|approve|accept|agree|yes|grant|consent|continue)\b/i;
const denyNames = /^(deny|cancel|decline|reject|refuse|no\b|don.t allow)/i;
const submitNames = /^(sign ?in|log ?in|login|submit|continue|next|ok\b|go\b)/i;
const probe = 'nauthera-probe';

/** The facts about one control that a locator can be made from. */
interface Control { tag: string; type: string; id: string; name: string; label: string; ariaLabel: string; placeholder: string; text: string; value: string; autocomplete: string }

async function controlOf(locator: Locator): Promise<Control> {
  return locator.evaluate((el) => {
    const input = el as HTMLInputElement;
    const labels = input.labels ? [...input.labels].map((l) => (l.innerText || l.textContent || '').trim()).filter(Boolean) : [];
    const labelledBy = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim() ?? '').filter(Boolean).join(' ');
    return {
      tag: el.tagName.toLowerCase(), type: (el.getAttribute('type') ?? '').toLowerCase(), id: el.id, name: el.getAttribute('name') ?? '',
      label: labels[0] ?? labelledBy, ariaLabel: el.getAttribute('aria-label') ?? '', placeholder: el.getAttribute('placeholder') ?? '',
      text: ((el as HTMLElement).innerText || el.textContent || '').trim(), value: input.value ?? '', autocomplete: el.getAttribute('autocomplete') ?? '',
    };
  });
}

async function same(a: Locator, b: Locator): Promise<boolean> {
  const handle = await b.elementHandle({ timeout: 1_000 }).catch(() => null);
  if (!handle) return false;
  try {
    return await a.evaluate((x, y) => x === y, handle);
  } finally {
    await handle.dispose();
  }
}

/** The first spec, in order of preference, whose first match is this very control. */
async function specFor(page: Page, control: Locator, candidates: LocatorSpec[]): Promise<LocatorSpec | undefined> {
  for (const candidate of candidates) {
    for (const spec of [candidate, { ...candidate, exact: true }]) {
      if ('css' in spec && spec.exact) continue;
      const all = resolveLocatorAll(page, spec);
      if ((await all.count().catch(() => 0)) > 0 && (await same(control, all.first()))) return spec;
    }
  }
  return undefined;
}

const cssString = (s: string) => JSON.stringify(s);

function fieldCandidates(c: Control): LocatorSpec[] {
  const specs: LocatorSpec[] = [];
  if (c.label) specs.push({ label: c.label });
  if (c.ariaLabel && c.ariaLabel !== c.label) specs.push({ label: c.ariaLabel });
  if (c.placeholder) specs.push({ placeholder: c.placeholder });
  if (c.id && /^[A-Za-z][\w-]*$/.test(c.id)) specs.push({ css: `#${c.id}` });
  if (c.name) specs.push({ css: `${c.tag}[name=${cssString(c.name)}]` });
  return specs;
}

function buttonName(c: Control): string {
  return (c.ariaLabel || c.text || (c.tag === 'input' ? c.value : '')).replace(/\s+/g, ' ').trim();
}

function buttonCandidates(c: Control): LocatorSpec[] {
  const specs: LocatorSpec[] = [];
  const name = buttonName(c);
  if (name) specs.push({ role: 'button', name });
  if (c.id && /^[A-Za-z][\w-]*$/.test(c.id)) specs.push({ css: `#${c.id}` });
  return specs;
}

const visible = async (locator: Locator): Promise<Locator[]> => {
  const all = await locator.all();
  const shown: Locator[] = [];
  for (const l of all) if (await l.isVisible().catch(() => false)) shown.push(l);
  return shown;
};

/** The visible text field a username goes in: autocomplete=username first, then a name or id that says so, then the first. */
async function usernameField(page: Page): Promise<Locator | undefined> {
  const fields = await visible(page.locator('input:not([type]), input[type=text], input[type=email], input[type=tel]'));
  const scored = await Promise.all(fields.map(async (field) => {
    const c = await controlOf(field);
    const score = c.autocomplete.includes('username') || c.autocomplete === 'email' ? 2 : /user|login|email|account|ident/i.test(`${c.name} ${c.id} ${c.label}`) ? 1 : 0;
    return { field, score };
  }));
  return scored.sort((a, b) => b.score - a.score)[0]?.field;
}

/** The button that submits the form holding `field`, else a visible button named like one. */
async function submitButton(page: Page, field: Locator): Promise<Locator | undefined> {
  const inForm = await visible(field.locator('xpath=ancestor::form[1]').locator('button:not([type=button]):not([type=reset]), input[type=submit]'));
  if (inForm.length > 0) {
    for (const b of inForm) if (submitNames.test(buttonName(await controlOf(b)))) return b;
    return inForm[0];
  }
  for (const b of await visible(page.getByRole('button'))) if (submitNames.test(buttonName(await controlOf(b)))) return b;
  return undefined;
}

async function locate(page: Page, control: Locator, kind: 'field' | 'button'): Promise<LocatorSpec | undefined> {
  const c = await controlOf(control);
  return specFor(page, control, kind === 'field' ? fieldCandidates(c) : buttonCandidates(c));
}

/** Waits for the page to move on after a click: a load, then a quiet network, bounded. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('domcontentloaded', { timeout: 10_000 }).catch(() => {});
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
}

/**
 * Opens the authorization URL in a fresh context and finds the sign-in controls; with a user,
 * signs in, finds the consent buttons and tries the deny button (a denial is never remembered),
 * so the approve button is left for the check that follows (verifySignIn).
 */
export async function findSignInForm(browser: Browser, authorizationUrl: string, redirectUri: string, user?: TargetUser): Promise<SignInFindings> {
  const notes: string[] = [];
  const problems: string[] = [];
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  context.setDefaultTimeout(10_000);
  let arrived: string | undefined;
  const redirectBase = redirectUri.replace(/[?#].*$/, '');
  // The redirect URI need not resolve: a stub answers it, and a 302 to it is seen as a request.
  await context.route((url) => url.href.startsWith(redirectBase), (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>nauthera: authorization response</title>' }));
  context.on('request', (request) => { if (request.url().startsWith(redirectBase)) arrived ??= request.url(); });
  try {
    const page = await context.newPage();
    const response = await page.goto(authorizationUrl, { waitUntil: 'domcontentloaded', timeout: 15_000 }).catch((error: Error) => {
      problems.push(`the authorization endpoint did not open in the browser: ${error.message.split('\n')[0]}`);
      return null;
    });
    if (problems.length) return { notes, problems };
    await settle(page);
    const at = async () => `"${await page.title().catch(() => '')}" at ${page.url().split('?')[0]}`;
    if (arrived) {
      problems.push('the authorization request went straight back to the redirect URI, with no sign-in page: write "login" by hand (docs/config.md)');
      return { notes, problems };
    }
    notes.push(`the authorization request opened ${await at()} (HTTP ${response?.status() ?? '?'})`);

    const userField = await usernameField(page);
    if (!userField) {
      problems.push(`no username field on ${await at()}: write login.username, login.password and login.submit by hand (docs/config.md)`);
      return { notes, problems };
    }
    const username = await locate(page, userField, 'field');
    if (!username) {
      problems.push(`the username field on ${await at()} has no label, placeholder, id or name a locator can use: write login.username by hand`);
      return { notes, problems };
    }
    await userField.fill(user?.username ?? probe);
    let passwordField = (await visible(page.locator('input[type=password]')))[0];
    let next: LocatorSpec | undefined;
    if (!passwordField) {
      // Two-page sign-in: the username first, then a button to the password page.
      const nextButton = await submitButton(page, userField);
      next = nextButton && (await locate(page, nextButton, 'button'));
      if (!nextButton || !next) {
        problems.push(`no password field and no button after the username on ${await at()}: write login by hand`);
        return { notes, problems };
      }
      if (!user) {
        problems.push(`a two-page sign-in (username first, then ${describeLocator(next)}): give --user and --password so init can reach the password page`);
        return { login: { username, password: { label: 'Password' }, submit: { role: 'button', name: 'Sign in' }, next }, notes, problems };
      }
      await nextButton.click();
      await settle(page);
      passwordField = (await visible(page.locator('input[type=password]')))[0];
      if (!passwordField) {
        problems.push(`no password field after ${describeLocator(next)} on ${await at()}: write login.password and login.submit by hand`);
        return { notes, problems };
      }
    }
    const password = await locate(page, passwordField, 'field');
    const submitControl = await submitButton(page, passwordField);
    const submit = submitControl && (await locate(page, submitControl, 'button'));
    if (!password || !submit || !submitControl) {
      problems.push(`${password ? 'the submit button' : 'the password field'} on ${await at()} has nothing a locator can use: write it by hand`);
      return { notes, problems };
    }
    await passwordField.fill(user?.password ?? probe);
    const login: LoginAutomation = { username, password, submit, ...(next ? { next } : {}) };
    notes.push(`sign-in form: username ${describeLocator(username)}, password ${describeLocator(password)}, submit ${describeLocator(submit)}${next ? `, next ${describeLocator(next)}` : ''} (filled${user ? '' : ', submit checked clickable'})`);
    if (!user) {
      // No user to sign in: the click is only checked (Playwright's trial click), never made.
      await submitControl.click({ trial: true });
      problems.push('no consent button was looked for: give --user and --password to find and try login.consent');
      return { login, notes, problems };
    }
    await submitControl.click();
    await settle(page);
    if (arrived) {
      notes.push('signed in; no consent page came (consent is remembered or not asked): login.consent is left out');
      return { login, notes, problems };
    }
    if ((await visible(page.locator('input[type=password]'))).length > 0) {
      problems.push(`signing in as ${user.username} showed the form again on ${await at()}: check the user and password`);
      return { login, notes, problems };
    }
    const buttons = await visible(page.locator('button, input[type=submit], [role=button]'));
    const named = await Promise.all(buttons.map(async (b) => ({ b, name: buttonName(await controlOf(b)) })));
    const approveButton = named.find((x) => approveNames.test(x.name));
    const denyButton = named.find((x) => denyNames.test(x.name));
    const approve = approveButton && (await locate(page, approveButton.b, 'button'));
    if (!approve) {
      problems.push(`after sign-in the browser is on ${await at()} with no button named like a consent (buttons: ${named.map((x) => JSON.stringify(x.name)).join(', ') || 'none'}): add login.consent or login.interactions by hand`);
      return { login, notes, problems };
    }
    const deny = denyButton && (await locate(page, denyButton.b, 'button'));
    login.consent = { approve };
    if (deny && denyButton) {
      await denyButton.b.click();
      await settle(page);
      const error = arrived ? new URL(arrived.replace('#', '?')).searchParams.get('error') : null;
      if (error === 'access_denied') {
        login.consent.deny = deny;
        notes.push(`consent page: approve ${describeLocator(approve)}, deny ${describeLocator(deny)}: deny tried, the client got error=access_denied`);
      } else {
        problems.push(`the consent page's ${describeLocator(deny)} did not send error=access_denied to the client (${arrived ? `it got ${arrived.split(/[?#]/)[1] ?? 'no parameters'}` : `the browser is on ${await at()}`}): login.consent.deny is left out`);
      }
    } else {
      notes.push(`consent page: approve ${describeLocator(approve)}; no deny button found`);
    }
    return { login, notes, problems };
  } finally {
    await context.close().catch(() => {});
  }
}
