/**
 * Is guessing limited? RFC 6749 §10.10: the AS "MUST prevent attackers from guessing access
 * tokens, authorization codes, refresh tokens, resource owner passwords, and client
 * credentials", and §2.3.1 asks it to protect every endpoint taking client passwords "against
 * brute force attacks". These checks try many wrong passwords at the sign-in form and many
 * wrong secrets at the token endpoint, and look for the refusals to change: a 429 (RFC 6585
 * §4) or 503, a Retry-After, or an answer other than the first refusal (a lock-out notice, a
 * CAPTCHA, a form that is gone).
 *
 * Warnings, not failures: RFC 6749 leaves the means to the AS, and some means cannot be seen
 * from outside (secrets of 128 bits or more that no guessing finds, §10.10; a limit that
 * counts only existing accounts or known clients). A target with no visible limit is worth a
 * look, not proven wrong.
 *
 * The guesses name a made-up account and a made-up client_id: a limit keyed on the account or
 * the client (as OWASP's Authentication Cheat Sheet and rate-limiter-flexible's login
 * protection advise) then blocks only that name, never the harness's users and clients that
 * other flows sign in and authenticate with at the same time from the same address.
 */
import { isVisible, resolveLocator } from '../../harness/browser/locators.ts';
import { randomValue, type AuthorizeOutcome, type CheckCatalogue, type CheckScope, type FlowContext, type HttpResponse, type TargetUser } from '../../harness/flow/index.ts';

/** Wrong passwords / secrets tried before giving up on seeing a limit: the reference server blocks at the 11th. */
const defaultGuesses = 15;

export const guessingLimitCheckDeclarations = {
  password: {
    'password-guessing-limited': {
      name: 'password guessing is limited: many wrong passwords for one account are refused differently (429, Retry-After, a lock-out), and the user still signs in',
      spec: 'RFC 6749 §10.10, RFC 6585 §4',
      severity: 'warning',
    },
  },
  clientSecret: {
    'client-secret-guessing-limited': {
      name: 'client secret guessing at the token endpoint is limited: many wrong secrets for one client_id are refused differently (429, Retry-After)',
      spec: 'RFC 6749 §10.10, §2.3.1, RFC 6585 §4',
      severity: 'warning',
    },
  },
} satisfies Record<string, CheckCatalogue>;

/** How many guesses a check makes (options.<option> overrides, 1 to 100). */
function guessesOf(ctx: FlowContext<any>, option: string): number {
  const configured = ctx.target.options[option];
  return typeof configured === 'number' && Number.isInteger(configured) && configured > 0 ? Math.min(configured, 100) : defaultGuesses;
}

/** A name no account or client has: letters and digits only, so no form or directory escapes it. */
const madeUpName = (prefix: string) => `${prefix}${randomValue(9).replace(/[^A-Za-z0-9]/g, 'x')}`;

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What a sign-in page answered, for a detail. */
interface SignInAnswer { status?: number; text: string; form: boolean }

const answerOfPage = (a: SignInAnswer) => `HTTP ${a.status ?? '?'}, "${a.text.slice(0, 100)}"${a.form ? '' : ' (no sign-in form)'}`;

function pageSummary(outcome: AuthorizeOutcome): string {
  if (outcome.kind === 'redirect') return `a redirect to ${outcome.redirectUri}`;
  return `HTTP ${outcome.status ?? '?'}, "${squash(outcome.text).slice(0, 100)}"`;
}

/**
 * Password guessing at the sign-in form: `guesses` wrong passwords for a made-up username
 * (options.passwordGuesses), typed into the target's sign-in form (login locators) as a
 * guesser would, each on the form the last refusal brought back (or a fresh one from
 * `authorizationUrl`); then the target's `user` signs in with the right password from the
 * same address. It forgets the IdP session first; the user's sign-in starts a new one.
 */
export async function passwordGuessingCheck(ctx: FlowContext<any>, authorizationUrl: () => string, user: TargetUser): Promise<void> {
  await ctx.check('password-guessing-limited', async (c) => {
    const login = ctx.target.login;
    if (!login) return c.notApplicable('the target config has no login locators to type passwords with');
    const guesses = guessesOf(ctx, 'passwordGuesses');
    const username = madeUpName('nauthera-nobody-');
    await ctx.browser.resetSession();
    const page = await ctx.browser.page();
    const settle = async () => {
      const since = Date.now();
      while (!ctx.browser.settled(since, login.settleMs ?? 300) && Date.now() - since < 15_000) await ctx.wait(50);
    };
    const formShown = async () => await isVisible(page, login.username) || await isVisible(page, login.password);
    const open = async () => {
      await page.goto(authorizationUrl(), { waitUntil: 'domcontentloaded' });
      await settle();
    };
    /** Types one wrong password; resolves what the page answered. */
    const guess = async (): Promise<SignInAnswer> => {
      let status: number | undefined;
      const submit = async (spec: typeof login.submit) => {
        const [response] = await Promise.all([
          page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 10_000 }).catch(() => null),
          resolveLocator(page, spec).click({ timeout: 10_000 }),
        ]);
        status = response?.status() ?? status;
        await settle();
      };
      if (await isVisible(page, login.username)) {
        await resolveLocator(page, login.username).fill(username);
        if (!(await isVisible(page, login.password))) await submit(login.next ?? login.submit);
      }
      if (await isVisible(page, login.password)) {
        await resolveLocator(page, login.password).fill(randomValue(12));
        await submit(login.submit);
      }
      return { status, text: squash(await page.innerText('body').catch(() => '')), form: await formShown() };
    };
    await open();
    if (!(await formShown())) {
      c.evidence(await ctx.browser.screenshot('no-sign-in-form'));
      return c.notApplicable(`the authorization request did not show the sign-in form (${page.url()})`);
    }
    let first: SignInAnswer | undefined;
    let last: SignInAnswer | undefined;
    let limitedAt: number | undefined;
    for (let i = 1; i <= guesses && limitedAt === undefined; i++) {
      // A refusal usually brings the form back: the next guess goes there, else on a fresh request.
      if (!(await formShown())) await open();
      if (!(await formShown())) {
        limitedAt = i;
        last = { status: undefined, text: squash(await page.innerText('body').catch(() => '')), form: false };
        break;
      }
      last = await guess();
      if (!first) first = last;
      else if (last.status === 429 || last.status === 503 || last.status !== first.status || last.text !== first.text) limitedAt = i;
    }
    c.evidence(await ctx.browser.screenshot('after-wrong-passwords'));
    c.note('tried', `${limitedAt ?? guesses} wrong passwords for the made-up username ${username} (options.passwordGuesses: ${guesses}); the first refused with ${first ? answerOfPage(first) : 'no answer'}`);
    if (limitedAt === undefined) {
      return c.fail(`${guesses} wrong passwords for one username, each refused alike (${answerOfPage(last!)}): no sign of a limit on guessing`);
    }
    // The guessed account is made up: the real user, from the same address, must still get in (OWASP: others' guesses do not lock the user out).
    const signIn = await ctx.browser.authorize(authorizationUrl(), { user, consent: 'approve' });
    if (signIn.kind !== 'redirect') {
      c.evidence(signIn);
      return c.fail(`guessing was limited at wrong password ${limitedAt} (${answerOfPage(last!)}), but then ${user.username}'s right password was refused from this address too (${pageSummary(signIn)}): guesses at another account locked the user out`);
    }
    return `limited at wrong password ${limitedAt}: ${answerOfPage(last!)}; ${user.username} then signed in from the same address`;
  }, { soft: true });
}

/** Why a token-endpoint answer shows a limit compared with the first refusal; undefined when it does not. */
function limitShown(first: HttpResponse, res: HttpResponse): string | undefined {
  if (res.status === 429 || res.status === 503) return `HTTP ${res.status}`;
  if (res.header('retry-after') !== undefined) return `Retry-After ${res.header('retry-after')}`;
  if (res.status !== first.status) return `HTTP ${res.status} where the first refusal was HTTP ${first.status}`;
  if (res.json?.error !== first.json?.error) return `error "${res.json?.error}" where the first refusal was "${first.json?.error}"`;
  return undefined;
}

const answerSummary = (res: HttpResponse) =>
  `HTTP ${res.status}${res.json?.error ? ` ${res.json.error}` : ''}${res.header('retry-after') !== undefined ? `, Retry-After ${res.header('retry-after')}` : ''}${typeof res.json?.error_description === 'string' ? ` ("${res.json.error_description.slice(0, 80)}")` : ''}`;

/**
 * Client secret guessing at the token endpoint: `guesses` wrong secrets (options.clientSecretGuesses)
 * sent with HTTP Basic (RFC 6749 §2.3.1) for a made-up client_id, with `form` (a grant the
 * endpoint would otherwise judge).
 */
export async function clientSecretGuessingCheck(ctx: FlowContext<any>, tokenUrl: string, form: Record<string, string>): Promise<void> {
  await ctx.check('client-secret-guessing-limited', async (c: CheckScope) => {
    const guesses = guessesOf(ctx, 'clientSecretGuesses');
    const clientId = madeUpName('nauthera-guessed-client-');
    let first: HttpResponse | undefined;
    let last: HttpResponse | undefined;
    let shown: string | undefined;
    let tried = 0;
    while (tried < guesses && shown === undefined) {
      last = await ctx.http.postForm(tokenUrl, form, { basic: { username: clientId, password: randomValue(12) } });
      tried++;
      if (last.status === 200) {
        c.evidence(last);
        return c.fail(`a made-up client_id (${clientId}) with a random secret got HTTP 200`);
      }
      if (!first) first = last;
      else shown = limitShown(first, last);
    }
    c.evidence(last!);
    c.note('tried', `${tried} wrong secrets for the made-up client_id ${clientId} with HTTP Basic (options.clientSecretGuesses: ${guesses}); the first refused with ${answerSummary(first!)}`);
    if (!shown) return c.fail(`${guesses} wrong secrets for one client_id, each refused alike (${answerSummary(last!)}): no sign of a limit on guessing`);
    return `limited at wrong secret ${tried}: ${shown} (${answerSummary(last!)})`;
  }, { soft: true });
}
