/**
 * The user agent of one flow (ctx.browser): a fresh browser context, the IdP's sign-in,
 * consent and other interaction pages driven by the target's login automation, and the
 * authorization response caught at the client's redirect_uri with page.route. The redirect
 * URIs need no running server: the route answers them with a stub page, so query, fragment
 * and form_post responses are all read the same way. Each authorize() call gets a page of
 * its own, so a late response of an earlier call never passes for its own.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserContext, Frame, Page, Request, Route } from 'playwright-core';
import type { PageEvidence } from '../results/model.ts';
import { maskUrl } from '../http/mask.ts';
import { noteSecretsInParams, noteSecretsInUrl } from '../http/handled-secrets.ts';
import { interactionLimits, type ConsentChoice, type LocatorSpec, type LoginAutomation, type TargetUser } from '../target/model.ts';
import { pageScripts, playScript, scriptMatches, type PageScript } from './interactions.ts';
import { describeLocator, isVisible, matchedNothing, resolveLocator, resolveLocatorAll } from './locators.ts';
import type { BrowserSession } from './session.ts';

export interface FlowBrowserOptions {
  session: BrowserSession;
  login?: LoginAutomation;
  ignoreHTTPSErrors?: boolean;
  /** Redirect URIs always caught (every client's redirect_uris). */
  redirectUris?: string[];
  /** Receives every page evidence (attached to the running check). */
  record?: (evidence: PageEvidence) => void;
  /** Where screenshots go: the report dir, and the path prefix (relative to it) for the current step. */
  screenshots?: { dir: string; prefix: () => string };
  /** Aborts the driver (the step's signal). */
  signal?: () => AbortSignal | undefined;
  /** Default timeout of page operations and of one authorize() (default 30000). */
  timeoutMs?: number;
  /** Told of every navigation to a redirect URI the browser answers, and whether an authorize() call took it. */
  onRedirectUri?: (arrival: { url: string; taken: boolean }) => void;
}

export interface AuthorizeOptions {
  /** Who signs in. Without a user, a sign-in page ends authorize() with reason "login-page". */
  user?: TargetUser;
  /** What to answer on a consent page (default approve); the outcome's consentDecision says what became of it. */
  consent?: ConsentChoice;
  /** RFC 8628 §3.3: the user code to type on the verification page. */
  userCode?: string;
  /** More URIs to catch, besides the clients' redirect_uris and the URL's redirect_uri parameter. */
  redirectUris?: string[];
  timeoutMs?: number;
  /** How long a page with nothing to do must stay unchanged, with no request in flight, before authorize() stops on it. */
  settleMs?: number;
}

/**
 * A page counts as settled once its URL stayed the same and the network was idle for this
 * long: Playwright's own "networkidle" window. An IdP that moves on by a timer rather than a
 * request (a meta refresh, a script's setTimeout) needs `login.settleMs` raised past that timer.
 */
export const defaultSettleMs = 500;

export type ResponseMode = 'query' | 'fragment' | 'form_post';

/**
 * What became of the consent answer authorize() was asked for (`consent`, default approve):
 *   approved / denied  the configured control for that answer was clicked
 *   not-found          a consent page came, but no control for that answer is configured or
 *                      the configured one matched nothing: the user never gave that answer
 *   not-shown          no consent page was met (consent remembered, an error before it, ...)
 * A check of what follows a denial (access_denied) is about a user who denied: it applies
 * only when this says 'denied'.
 */
export type ConsentDecision = 'approved' | 'denied' | 'not-found' | 'not-shown';

/** The authorization response arrived at a redirect URI. */
export interface RedirectOutcome {
  kind: 'redirect';
  responseMode: ResponseMode;
  /** The full URL the browser was sent to (fragment included). */
  url: string;
  /** The redirect URI it matched (origin + path). */
  redirectUri: string;
  /** Response parameters (code, state, iss, error...) from the query, fragment or form body. */
  params: Record<string, string>;
  consentDecision: ConsentDecision;
  evidence: PageEvidence[];
}

/**
 * The browser stopped on a page: a sign-in page with no user to sign in ("login-page"),
 * the sign-in form shown again after submitting ("login-rejected"), or a page with nothing
 * configured to act on, such as an error page of any HTTP status, Chromium's own page for
 * an empty 4xx/5xx answer, or a device "success" page ("stopped").
 */
export interface PageOutcome {
  kind: 'page';
  reason: 'login-page' | 'login-rejected' | 'stopped';
  /** The page's URL; for Chromium's own error page, the URL whose answer it replaced. */
  url: string;
  title: string;
  /** The page's visible text (first 2000 characters). */
  text: string;
  /** HTTP status of the last navigation of the page, when it got an answer. */
  status?: number;
  consentDecision: ConsentDecision;
  /**
   * What the login automation could not do here, one sentence each, e.g.
   * `login.password {"label":"Password","exact":true} matched nothing on "Sign in" at http://…/login`.
   * Absent when the page simply had nothing configured to act on.
   */
  problems?: string[];
  evidence: PageEvidence[];
}

export type AuthorizeOutcome = RedirectOutcome | PageOutcome;

interface Captured {
  method: string;
  url: string;
  postData?: string;
  redirectUri: string;
  /** A request that went straight to the redirect URI (answered by the route), and its frame. */
  direct?: { frame?: Frame };
}

/**
 * One authorize() call. Each call has a page of its own (the previous one is closed first,
 * which ends its timers and navigations), and a capture counts only when its request came
 * from that page: an authorization response of an earlier call arriving late, such as a
 * second redirect issued by a timer of the previous IdP page, is never taken for this one.
 */
interface Call {
  page: Page;
  /** The URL's own redirect_uri and the call's redirectUris, caught besides the clients'. */
  extra: Map<string, string>;
  captured: Array<Promise<Captured>>;
  /** The main frame's last navigation request, and its HTTP status once answered. */
  navigation?: { url: string; status?: number };
  /** Main-frame navigations committed so far. */
  navigations: number;
}

const stubPage = '<!doctype html><meta charset="utf-8"><title>nauthera: authorization response received</title><p>nauthera caught the authorization response here.</p>';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function redirectKey(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

function pageOf(request: Request): Page | undefined {
  try {
    return request.frame().page();
  } catch {
    return undefined; // a service worker's request has no frame
  }
}

export class FlowBrowser {
  private contextPromise?: Promise<BrowserContext>;
  private currentPage?: Page;
  private readonly watched = new Map<string, string>();
  private call?: Call;
  private shots = 0;
  /** Requests in flight in the context, and when a request last started or ended. */
  private inflight = 0;
  private lastNetwork = Date.now();

  constructor(private readonly options: FlowBrowserOptions) {
    for (const uri of options.redirectUris ?? []) this.watch(this.watched, uri);
  }

  private watch(into: Map<string, string>, uri: string): void {
    const key = redirectKey(uri);
    if (key) into.set(key, uri);
  }

  private matchRedirect(url: URL): string | undefined {
    const key = `${url.origin}${url.pathname}`;
    return this.call?.extra.get(key) ?? this.watched.get(key);
  }

  /** The running (or last) authorize() call, when the request came from its page. */
  private callOf(request: Request): Call | undefined {
    const call = this.call;
    const page = pageOf(request);
    // A navigation issued before its frame exists (a cross-site redirect, often on a loaded machine)
    // has no frame yet (Playwright's request.frame() throws): only the running call's page navigates.
    if (call && page === undefined && request.isNavigationRequest() && !call.page.isClosed()) return call;
    return call && page === call.page ? call : undefined;
  }

  /** The flow's browser context (created on first use). */
  context(): Promise<BrowserContext> {
    this.contextPromise ??= (async () => {
      const context = await this.options.session.newContext({ ignoreHTTPSErrors: this.options.ignoreHTTPSErrors });
      context.setDefaultTimeout(this.options.timeoutMs ?? 30_000);
      await context.route((url) => this.matchRedirect(url) !== undefined, (route, request) => this.onRedirect(route, request));
      // Routes never see the target of an HTTP redirect (Playwright calls the handler for the
      // first URL only), and a 302 to the redirect_uri is how most responses arrive.
      context.on('request', (request) => this.onRedirectedRequest(request));
      context.on('request', () => { this.inflight++; this.lastNetwork = Date.now(); });
      const done = () => { this.inflight = Math.max(0, this.inflight - 1); this.lastNetwork = Date.now(); };
      context.on('requestfinished', done);
      context.on('requestfailed', done);
      return context;
    })();
    return this.contextPromise;
  }

  /** The flow's page: the last authorize() call's, else one opened on first use. */
  async page(): Promise<Page> {
    if (this.currentPage && !this.currentPage.isClosed()) return this.currentPage;
    const context = await this.context();
    this.currentPage = await context.newPage();
    return this.currentPage;
  }

  /** A fresh page for a new authorize() call; the previous page is closed first. */
  private async startCall(): Promise<Call> {
    const previous = this.currentPage;
    this.currentPage = undefined;
    this.call = undefined;
    if (previous && !previous.isClosed()) await previous.close().catch(() => {});
    const context = await this.context();
    const page = await context.newPage();
    this.currentPage = page;
    const call: Call = { page, extra: new Map(), captured: [], navigations: 0 };
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) call.navigation = { url: request.url() };
    });
    page.on('response', (response) => {
      const request = response.request();
      if (request.isNavigationRequest() && request.frame() === page.mainFrame() && call.navigation?.url === request.url()) {
        call.navigation.status = response.status();
      }
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) call.navigations++;
    });
    this.call = call;
    return call;
  }

  /**
   * The call's own page at a redirect URI with a query or fragment: the authorization response,
   * read from the page when neither hook saw its request (on a loaded machine Playwright may
   * report a navigation before it can name its frame, or after the call's hooks ran). The page
   * is this call's alone, so what it shows is this call's response. Chromium's error page
   * (the redirect URI's host does not resolve, as it need not) stands for the navigation it
   * failed, whose URL is the response's. A form_post page has no parameters in its URL and is
   * left to the hooks.
   */
  private arrivedAtRedirectUri(call: Call): Captured | undefined {
    const shown = this.shownUrl(call);
    let url: URL;
    try {
      url = new URL(shown);
    } catch {
      return undefined;
    }
    if (!url.search && url.hash.length <= 1) return undefined;
    const redirectUri = this.matchRedirect(url);
    return redirectUri ? { method: 'GET', url: shown, redirectUri } : undefined;
  }

  /**
   * Whether the main frame is still navigating to another URL. While a navigation is pending,
   * Chromium titles the page "Loading <url>" before Playwright has reported the request (with
   * every request routed, its report waits for the route's round trip, which a loaded machine
   * delays): without this look the page can seem settled on the previous document.
   */
  private async navigationPending(page: Page): Promise<boolean> {
    const title = await page.title().catch(() => '');
    const loading = /^Loading (\S+)$/.exec(title);
    return loading !== null && loading[1] !== page.url();
  }

  /** A navigation straight to a redirect URI (form_post, a script, a link): answered with a stub page. */
  private async onRedirect(route: Route, request: Request): Promise<void> {
    const call = this.callOf(request);
    if (call) {
      const url = new URL(request.url());
      const redirectUri = this.matchRedirect(url) ?? request.url();
      let frame: Frame | undefined;
      try {
        frame = request.frame();
      } catch {
        frame = undefined;
      }
      call.captured.push(Promise.resolve({ method: request.method(), url: request.url(), postData: request.postData() ?? undefined, redirectUri, direct: { frame } }));
    }
    // Answered even when it belongs to no call: nothing meant for a redirect URI leaves the machine.
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: stubPage }).catch(() => {});
    this.options.onRedirectUri?.({ url: request.url(), taken: call !== undefined });
  }

  /**
   * An HTTP redirect to a redirect URI. The fragment never reaches the network, so the
   * full URL is the Location header of the redirecting response.
   */
  private onRedirectedRequest(request: Request): void {
    const from = request.redirectedFrom();
    if (!from || !request.isNavigationRequest()) return;
    const call = this.callOf(request);
    if (!call) return;
    let url: URL;
    try {
      url = new URL(request.url());
    } catch {
      return;
    }
    const redirectUri = this.matchRedirect(url);
    if (!redirectUri) return;
    call.captured.push((async () => {
      const response = await from.response().catch(() => null);
      const location = response ? await response.headerValue('location').catch(() => null) : null;
      const full = location ? new URL(location, from.url()).toString() : request.url();
      return { method: request.method(), url: full, postData: request.postData() ?? undefined, redirectUri };
    })());
  }

  /**
   * Whether the page has been still for `settleMs`: no URL change or action since `since`,
   * and no request started or ended. A request that never ends (a long poll) stops counting
   * after four times the window, so such a page still settles.
   */
  settled(since: number, settleMs: number): boolean {
    const quietFor = Date.now() - Math.max(since, this.lastNetwork);
    return quietFor >= settleMs && (this.inflight === 0 || quietFor >= 4 * settleMs);
  }

  private throwIfAborted(): void {
    const signal = this.options.signal?.();
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
  }

  /** Records the current page as evidence, with a screenshot when the run keeps them. */
  async screenshot(label: string): Promise<PageEvidence> {
    const page = await this.page();
    const evidence: PageEvidence = { kind: 'page', url: maskUrl(page.url()), title: await page.title().catch(() => '') };
    const shots = this.options.screenshots;
    if (shots) {
      const rel = `${shots.prefix()}-${++this.shots}-${label.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.jpeg`;
      const abs = join(shots.dir, rel);
      try {
        mkdirSync(dirname(abs), { recursive: true });
        await page.screenshot({ path: abs, type: 'jpeg', quality: 70, timeout: 10_000 });
        evidence.screenshot = rel;
      } catch {
        // A page that cannot be captured is still evidence by its URL and title.
      }
    }
    this.options.record?.(evidence);
    return evidence;
  }

  /**
   * Opens `url` (an authorization request, a PAR request_uri URL, a resource that redirects
   * to the AS, a device verification URI) in a fresh page of the flow's context (the IdP
   * session is kept) and plays the user: signs in, types the user code, plays the
   * login.interactions pages, consents or denies, until the browser reaches a redirect URI
   * or stops on a page. An IdP that refuses with a page (any HTTP status, an empty body
   * included) is a PageOutcome; only an IdP that cannot be reached at all throws.
   */
  async authorize(url: string, options: AuthorizeOptions = {}): Promise<AuthorizeOutcome> {
    let requested: string | null;
    try {
      requested = new URL(url).searchParams.get('redirect_uri');
    } catch {
      throw new Error(`authorize(): "${url}" is not a URL`);
    }
    const call = await this.startCall();
    const page = call.page;
    if (requested) this.watch(call.extra, requested);
    for (const uri of options.redirectUris ?? []) this.watch(call.extra, uri);

    const login = this.options.login;
    const timeoutMs = options.timeoutMs ?? login?.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const settleMs = options.settleMs ?? login?.settleMs ?? defaultSettleMs;
    const decision = options.consent ?? 'approve';
    const scripts = pageScripts(login);
    const deadline = Date.now() + timeoutMs;
    const evidence: PageEvidence[] = [];
    const shot = async (label: string) => { evidence.push(await this.screenshot(label)); };
    let consentDecision: ConsentDecision = 'not-shown';

    try {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    } catch (error) {
      // A page that navigates on its own (form_post, a script) interrupts goto: that is progress,
      // not failure. An answer Chromium would not show (an empty 4xx, ERR_HTTP_RESPONSE_CODE_FAILURE)
      // is still the IdP's answer: the loop stops on it. Only no answer at all is a failure.
      const line = firstLine(error);
      const unreachable = /net::ERR_/.test(line) && !/interrupted by another navigation/.test(line) && call.navigation?.status === undefined;
      if (call.captured.length === 0 && unreachable) throw new Error(`the browser could not open ${maskUrl(url)}: ${line.replace(/^page\.goto: /, '')}`);
    }

    let lastUrl = '';
    let lastChange = Date.now();
    let passwordSubmits = 0;
    let usernameSubmits = 0;
    let userCodeTyped = false;
    let confirmed = false;
    let played = 0;
    let lastPlay: { script: PageScript; navigations: number; at: number } | undefined;
    const acted = async () => {
      lastChange = Date.now();
      await page.waitForLoadState('domcontentloaded', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => {});
    };
    const where = async () => ({ title: await page.title().catch(() => ''), url: maskUrl(this.shownUrl(call)) });
    const stop = async (reason: PageOutcome['reason'], problems: string[] = []): Promise<AuthorizeOutcome> => {
      // The page may have reached the redirect URI since this iteration looked: that is the response.
      const arrived = call.captured.length === 0 ? this.arrivedAtRedirectUri(call) : undefined;
      if (arrived) call.captured.push(Promise.resolve(arrived));
      if (call.captured.length > 0) return this.redirectOutcome(call, evidence, consentDecision);
      await shot(reason);
      const text = await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      const status = call.navigation?.status;
      return {
        kind: 'page', reason, url: this.shownUrl(call), title: await page.title().catch(() => ''), text: text.slice(0, 2_000),
        ...(status !== undefined ? { status } : {}),
        consentDecision,
        ...(problems.length > 0 ? { problems } : {}),
        evidence,
      };
    };
    /** Clicks a sign-in or device control; a control that is missing or cannot be clicked is a problem to stop on. */
    const press = async (spec: LocatorSpec, path: string): Promise<string | undefined> => {
      try {
        await resolveLocator(page, spec).click({ timeout: Math.max(1, Math.min(10_000, deadline - Date.now())) });
        return undefined;
      } catch (error) {
        const count = await resolveLocatorAll(page, spec).count().catch(() => 0);
        const at = await where();
        return count === 0 ? matchedNothing(path, spec, at) : `could not click ${path} ${describeLocator(spec)} on "${at.title}" at ${at.url}: ${firstLine(error)}`;
      }
    };

    for (;;) {
      this.throwIfAborted();
      if (call.captured.length > 0) return this.redirectOutcome(call, evidence, consentDecision);
      const arrived = this.arrivedAtRedirectUri(call);
      if (arrived) {
        call.captured.push(Promise.resolve(arrived));
        continue;
      }
      if (Date.now() > deadline) {
        const title = await page.title().catch(() => '');
        await shot('timeout').catch(() => {});
        throw new Error(`the sign-in did not finish within ${timeoutMs} ms; the browser is at ${maskUrl(page.url())} ("${title}")`);
      }
      if (page.url() !== lastUrl) {
        lastUrl = page.url();
        lastChange = Date.now();
      }

      if (options.userCode && login?.device && !userCodeTyped && await isVisible(page, login.device.userCode)) {
        await resolveLocator(page, login.device.userCode).fill(options.userCode);
        await shot('user-code');
        const problem = await press(login.device.submit, 'login.device.submit');
        if (problem) return stop('stopped', [problem]);
        userCodeTyped = true;
        await acted();
        continue;
      }

      const seenAt = page.url();
      const usernameVisible = await isVisible(page, login?.username);
      const passwordVisible = await isVisible(page, login?.password);
      // A navigation still in flight (e.g. the previous response's redirect URI failing to
      // resolve commits a chrome-error page late) can swap the page between the two looks, and
      // a one-page form would be submitted with an empty username or password: look again.
      if (page.url() !== seenAt) continue;
      if (login && (usernameVisible || passwordVisible)) {
        if (!options.user) return stop('login-page');
        if (passwordSubmits > 0 || usernameSubmits > 2) {
          // The form is back after submitting: wait for the page to settle before calling it a rejection.
          if (!this.settled(lastChange, settleMs)) {
            await sleep(100);
            continue;
          }
          return stop('login-rejected');
        }
        if (usernameVisible) await resolveLocator(page, login.username).fill(options.user.username);
        let problem: string | undefined;
        if (passwordVisible) {
          await resolveLocator(page, login.password).fill(options.user.password);
          await shot('sign-in');
          problem = await press(login.submit, 'login.submit');
          passwordSubmits++;
        } else {
          await shot('sign-in-username');
          problem = await press(login.next ?? login.submit, login.next ? 'login.next' : 'login.submit');
          usernameSubmits++;
        }
        if (problem) return stop('stopped', [problem]);
        await acted();
        continue;
      }

      if (options.userCode && login?.device?.confirm && !confirmed && await isVisible(page, login.device.confirm)) {
        await shot('device-confirm');
        const problem = await press(login.device.confirm, 'login.device.confirm');
        if (problem) return stop('stopped', [problem]);
        confirmed = true;
        await acted();
        continue;
      }

      const script = await this.nextScript(page, scripts, call, lastPlay, settleMs);
      if (script) {
        if (played >= interactionLimits.pagesPerAuthorization) {
          const at = await where();
          return stop('stopped', [`${script.path} ("${script.label}") matches again after ${played} interaction pages in this authorization (at most ${interactionLimits.pagesPerAuthorization}) on "${at.title}" at ${at.url}`]);
        }
        played++;
        await shot(script.consent ? `consent-${decision}` : `interaction-${script.label}`);
        const result = await playScript(page, script, decision, deadline);
        if (!result.done) {
          if (script.consent && result.consentNotFound) consentDecision = 'not-found';
          return stop('stopped', [result.problem]);
        }
        if (result.decided) consentDecision = result.decided === 'approve' ? 'approved' : 'denied';
        lastPlay = { script, navigations: call.navigations, at: Date.now() };
        await acted();
        continue;
      }

      if (this.settled(lastChange, settleMs)) {
        if (await this.navigationPending(page)) {
          lastChange = Date.now();
          continue;
        }
        return stop('stopped', await this.signInProblems(page, where));
      }
      await sleep(100);
    }
  }

  /**
   * The first script whose page this is. The script played last is not played again on the
   * same document until the page has settled: a click that starts a navigation leaves the old
   * page up until the next one commits, and clicking it twice would submit twice.
   */
  private async nextScript(page: Page, scripts: PageScript[], call: Call, lastPlay: { script: PageScript; navigations: number; at: number } | undefined, settleMs: number): Promise<PageScript | undefined> {
    for (const script of scripts) {
      if (!(await scriptMatches(page, script))) continue;
      if (lastPlay?.script === script && lastPlay.navigations === call.navigations && !this.settled(lastPlay.at, settleMs)) return undefined;
      return script;
    }
    return undefined;
  }

  /** The page's URL; for Chromium's own error page, the URL whose answer it stands for. */
  private shownUrl(call: Call): string {
    const url = call.page.url();
    return url.startsWith('chrome-error:') && call.navigation ? call.navigation.url : url;
  }

  /**
   * On a page the driver stops on: when it looks like a sign-in page (a configured sign-in
   * field, or any password field, is visible), each sign-in locator that matched nothing.
   */
  private async signInProblems(page: Page, where: () => Promise<{ title: string; url: string }>): Promise<string[]> {
    const login = this.options.login;
    if (!login) return [];
    const fields: Array<[string, LocatorSpec | undefined]> = [['login.username', login.username], ['login.password', login.password], ['login.submit', login.submit], ['login.next', login.next]];
    const seen = await Promise.all(fields.map(([, spec]) => isVisible(page, spec)));
    const passwordField = await page.locator('input[type=password]').first().isVisible().catch(() => false);
    if (!passwordField && !seen[0] && !seen[1]) return [];
    const at = await where();
    return fields.flatMap(([path, spec], i) => (spec && !seen[i] ? [matchedNothing(path, spec, at)] : []));
  }

  private async redirectOutcome(call: Call, evidence: PageEvidence[], consentDecision: ConsentDecision): Promise<RedirectOutcome> {
    const captured = await call.captured[0];
    let full = captured.url;
    const frame = captured.direct?.frame;
    if (frame && !frame.isDetached()) {
      // The stub page is loading at the redirect URI in the frame that asked for it: its URL has
      // the fragment the request lacked. Only that same URL counts: the frame may be sent on.
      const sent = withoutHash(captured.url);
      await frame.waitForURL((u) => withoutHash(u.toString()) === sent, { timeout: 5_000, waitUntil: 'commit' }).catch(() => {});
      if (withoutHash(frame.url()) === sent) full = frame.url();
    }
    const u = new URL(full);
    const params: Record<string, string> = {};
    let responseMode: ResponseMode = 'query';
    for (const [k, v] of u.searchParams) params[k] = v;
    if (captured.method === 'POST') {
      responseMode = 'form_post';
      for (const [k, v] of new URLSearchParams(captured.postData ?? '')) params[k] = v;
    } else if (u.hash.length > 1) {
      responseMode = 'fragment';
      for (const [k, v] of new URLSearchParams(u.hash.slice(1))) params[k] = v;
    }
    // Reports are scrubbed of the code and tokens of every authorization response, wherever a suite prints them.
    noteSecretsInUrl(full);
    noteSecretsInParams(params);
    const ev: PageEvidence = { kind: 'page', url: maskUrl(full), title: `authorization response (${responseMode})` };
    this.options.record?.(ev);
    evidence.push(ev);
    return { kind: 'redirect', responseMode, url: full, redirectUri: captured.redirectUri, params, consentDecision, evidence };
  }

  /** Forgets the IdP session: the next page opens in a fresh context (e.g. before prompt=none). */
  async resetSession(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const pending = this.contextPromise;
    this.contextPromise = undefined;
    this.currentPage = undefined;
    this.call = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close().catch(() => {});
  }
}

function withoutHash(url: string): string {
  const i = url.indexOf('#');
  return i < 0 ? url : url.slice(0, i);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
