/**
 * Inside a check: `c` collects evidence and offers assertions whose failure becomes the
 * check's detail. OAuth-shaped helpers know where each spec puts its errors: the JSON
 * body at the token endpoint (RFC 6749 §5.2), the redirect at the authorization endpoint
 * (§4.1.2.1), WWW-Authenticate at a resource server (RFC 6750 §3).
 */
import type { AuthorizeOutcome, RedirectOutcome } from '../browser/flow-browser.ts';
import type { HttpResponse } from '../http/client.ts';
import { maskBody } from '../http/mask.ts';
import { NotApplicableError } from '../target/model.ts';
import type { Evidence, Severity } from '../results/model.ts';
import { CheckFailure, makeExpectation, show, type Expectation } from './expect.ts';

export { CheckFailure } from './expect.ts';

/**
 * A check given inline, not declared on its step (suites outside the project; the engine's
 * tests). The project's suites declare theirs: `step(..., { checks: { key: {name, spec} } })`.
 */
export interface CheckMeta {
  /** The check's key (its id's last part); default: the name, slugged. */
  id?: string;
  /** Stable, readable name: what must hold, e.g. "code reuse is refused with invalid_grant". */
  name: string;
  /** The spec that decides, e.g. "RFC 6749 §4.1.2". */
  spec: string;
  /** failure (default) fails the step; warning only marks it. */
  severity?: Severity;
  /**
   * A failed failure-check ends its step at once (Playwright's expect), since later code
   * usually depends on it. `soft: true` records the failure and lets the step go on:
   * use it for independent negative checks, so one run reports all of them.
   */
  soft?: boolean;
}

/** How one call runs a declared check: `ctx.check('code-reuse-refused', fn, { soft: true })`. */
export interface CheckCallOptions {
  /** Record a failure and let the step go on (for checks nothing later in the step depends on). */
  soft?: boolean;
  /** Overrides the declared severity (e.g. a SHOULD that becomes a MUST once the metadata advertises it). */
  severity?: Severity;
  /** Values for the `{placeholders}` of the declared name. */
  args?: Record<string, string | number>;
}

/** What a check callback returns: its detail (or nothing, and the passed assertions make the detail). */
export type CheckFn = (c: CheckScope) => Promise<string | void> | string | void;

type EvidenceLike = Evidence | HttpResponse | AuthorizeOutcome | undefined | null;

/** RFC 6750 §3: `Bearer realm="x", error="invalid_token", error_description="..."` → params. */
export function parseWwwAuthenticate(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z0-9_-]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return { scheme: m[1], params };
}

function bodySummary(res: HttpResponse): string {
  const json = res.json;
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    if (typeof json.error === 'string') {
      return `error ${JSON.stringify(json.error)}${typeof json.error_description === 'string' ? ` (${JSON.stringify(json.error_description)})` : ''}`;
    }
    const keys = Object.keys(json);
    return keys.length ? `a JSON body with ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}` : 'an empty JSON object';
  }
  if (!res.text) return 'an empty body';
  const type = res.headers['content-type']?.split(';')[0] ?? 'no content-type';
  const snippet = maskBody(res.text, res.headers['content-type']).replace(/\s+/g, ' ').slice(0, 120);
  return `a ${type} body "${snippet}${res.text.length > 120 ? '…' : ''}"`;
}

/** Origin and path equal: where a browser lands, whatever the query. */
function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname === y.pathname;
  } catch {
    return a === b;
  }
}

const statusList = (s: number | readonly number[]) => (Array.isArray(s) ? s : [s as number]);

export class CheckScope {
  readonly collected: Evidence[] = [];
  /**
   * Evidence the check was handed but does not judge: the pages a browser went through before the
   * response the check reads (sign-in, consent). Reported after the check's own, as its arrow's.
   */
  readonly context: Evidence[] = [];
  readonly passes: string[] = [];
  /** SHOULDs the target missed while every MUST of the check held: the check ends as a warning. */
  readonly shoulds: string[] = [];

  /**
   * A SHOULD of the cited spec: when `ok` is false the check goes on, and if nothing fails
   * it ends as a warning with this detail, never as a failure (a failure needs a MUST).
   */
  should(ok: boolean, detail: string): void {
    if (!ok) this.shoulds.push(detail);
  }

  /** Attaches evidence: HTTP responses, browser outcomes, or Evidence objects. Exchanges made inside the check are attached already. */
  evidence(...items: EvidenceLike[]): void {
    for (const item of items) {
      if (!item) continue;
      if ('kind' in item && (item.kind === 'redirect' || item.kind === 'page') && 'evidence' in item && Array.isArray(item.evidence)) {
        // A browser outcome is judged by where it ended (the redirect, or the page it stopped on).
        const pages = item.evidence;
        for (const ev of pages.slice(0, -1)) this.addContext(ev);
        if (pages.length > 0) this.add(pages[pages.length - 1]);
      } else if ('evidence' in item && item.evidence && !Array.isArray(item.evidence)) {
        this.add(item.evidence);
      } else if ('kind' in item && (item.kind === 'http' || item.kind === 'page' || item.kind === 'note')) {
        this.add(item as Evidence);
      }
    }
  }

  /** @internal also used by the runner to attach recorded exchanges. */
  add(evidence: Evidence): void {
    if (!this.collected.includes(evidence)) this.collected.push(evidence);
  }

  private addContext(evidence: Evidence): void {
    if (!this.collected.includes(evidence) && !this.context.includes(evidence)) this.context.push(evidence);
  }

  /** A labelled note: a decoded token, a computed value, an LDAP answer. */
  note(label: string, text: string): void {
    this.add({ kind: 'note', label, text });
  }

  /** Records a passed condition in the detail. */
  pass(line: string): void {
    this.passes.push(line);
  }

  /** Fails the check with this detail. */
  fail(detail: string): never {
    throw new CheckFailure(detail);
  }

  /** Marks the check not applicable (the target lacks what it tests), with the reason. */
  notApplicable(reason: string): never {
    throw new NotApplicableError(reason);
  }

  /** `c.expect(res.json.token_type, 'token_type').toBe('Bearer')`: `what` names the value in the detail. */
  expect<T>(actual: T, what: string): Expectation<T> {
    return makeExpectation(actual, what, (line) => this.passes.push(line));
  }

  /** The HTTP status is one of `expected`. */
  expectStatus(res: HttpResponse, expected: number | readonly number[]): void {
    this.evidence(res);
    const list = statusList(expected);
    if (!list.includes(res.status)) {
      throw new CheckFailure(`HTTP status of ${res.method} ${new URL(res.url).pathname}: expected ${list.join(' or ')}, got ${res.status} with ${bodySummary(res)}`);
    }
    this.passes.push(`HTTP status is ${res.status}`);
  }

  /** The body is a JSON object; returns it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expectJson(res: HttpResponse): Record<string, any> {
    this.evidence(res);
    const json = res.json;
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      throw new CheckFailure(`body of ${res.method} ${new URL(res.url).pathname}: expected a JSON object, got ${bodySummary(res)} (HTTP ${res.status})`);
    }
    return json;
  }

  /**
   * An OAuth error response (RFC 6749 §5.2): the status (400 by default; 400 or 401 for
   * invalid_client, §5.2) and a JSON body whose `error` is one of `error`.
   */
  expectOAuthError(res: HttpResponse, error: string | readonly string[], options: { status?: number | readonly number[] } = {}): void {
    this.evidence(res);
    const errors = typeof error === 'string' ? [error] : [...error];
    const statuses = statusList(options.status ?? (errors.includes('invalid_client') ? [400, 401] : 400));
    const wanted = `an OAuth error ${errors.map((e) => JSON.stringify(e)).join(' or ')} with HTTP ${statuses.join(' or ')}`;
    if (res.status >= 200 && res.status < 300) throw new CheckFailure(`expected ${wanted}, got HTTP ${res.status} with ${bodySummary(res)}`);
    const got = res.json && typeof res.json === 'object' ? res.json.error : undefined;
    if (typeof got !== 'string') throw new CheckFailure(`expected ${wanted}, got HTTP ${res.status} with ${bodySummary(res)} (no "error" member, RFC 6749 §5.2)`);
    if (!errors.includes(got)) throw new CheckFailure(`error: expected ${errors.map((e) => JSON.stringify(e)).join(' or ')}, got ${JSON.stringify(got)}${typeof res.json.error_description === 'string' ? ` (${JSON.stringify(res.json.error_description)})` : ''} with HTTP ${res.status}`);
    if (!statuses.includes(res.status)) throw new CheckFailure(`HTTP status with error ${JSON.stringify(got)}: expected ${statuses.join(' or ')}, got ${res.status}`);
    this.passes.push(`refused with HTTP ${res.status} and error ${JSON.stringify(got)}`);
  }

  /**
   * A resource server's refusal of a bearer token (RFC 6750 §3): MUST refuse and MUST send a
   * Bearer WWW-Authenticate challenge (§3); the status of §3.1 (401 / 403 / 400) and the error
   * code are SHOULDs there, so missing them makes a warning; a wrong error code fails.
   */
  expectBearerError(res: HttpResponse, error: string, options: { status?: number } = {}): void {
    this.evidence(res);
    const status = options.status ?? ({ invalid_request: 400, invalid_token: 401, insufficient_scope: 403 } as Record<string, number>)[error] ?? 401;
    if (res.status < 400) throw new CheckFailure(`expected a refusal (HTTP ${status} with WWW-Authenticate error ${JSON.stringify(error)}), got HTTP ${res.status} with ${bodySummary(res)}`);
    const header = res.headers['www-authenticate'];
    const parsed = parseWwwAuthenticate(header);
    if (!parsed || parsed.scheme.toLowerCase() !== 'bearer') throw new CheckFailure(`refused with HTTP ${res.status}, but WWW-Authenticate: expected a Bearer challenge (RFC 6750 §3 MUST), got ${show(header)}`);
    if (parsed.params.error !== undefined && parsed.params.error !== error) throw new CheckFailure(`WWW-Authenticate error: expected ${JSON.stringify(error)}, got ${show(parsed.params.error)}`);
    this.should(res.status === status, `HTTP status: ${status} is what RFC 6750 §3.1 says SHOULD come with ${JSON.stringify(error)}, got ${res.status}`);
    this.should(parsed.params.error !== undefined, `the Bearer challenge names no error; RFC 6750 §3.1 gives ${JSON.stringify(error)} for this case`);
    this.passes.push(`refused with HTTP ${res.status} and a Bearer challenge${parsed.params.error ? ` with error ${JSON.stringify(error)}` : ''}`);
  }

  /** The browser reached a redirect URI (with any parameters); returns the redirect. */
  expectRedirect(outcome: AuthorizeOutcome): RedirectOutcome {
    this.evidence(outcome);
    if (outcome.kind !== 'redirect') {
      const text = outcome.text.replace(/\s+/g, ' ').trim().slice(0, 160);
      throw new CheckFailure(`expected a redirect to the client, the browser stopped on ${outcome.reason === 'stopped' ? 'a page' : outcome.reason === 'login-page' ? 'the sign-in page' : 'the sign-in page again (credentials rejected?)'} "${outcome.title}" at ${outcome.url.split('?')[0]}${text ? `: "${text}"` : ''}`);
    }
    this.passes.push(`redirected to ${outcome.redirectUri} (${outcome.responseMode})`);
    return outcome;
  }

  /** A successful authorization response (no `error` parameter); returns its parameters. */
  expectAuthorizationResponse(outcome: AuthorizeOutcome): Record<string, string> {
    const redirect = this.expectRedirect(outcome);
    if (redirect.params.error) {
      throw new CheckFailure(`expected a successful authorization response, got error ${JSON.stringify(redirect.params.error)}${redirect.params.error_description ? ` (${JSON.stringify(redirect.params.error_description)})` : ''} at ${redirect.redirectUri}`);
    }
    return redirect.params;
  }

  /** An authorization error response at the redirect URI (RFC 6749 §4.1.2.1), e.g. access_denied. */
  expectRedirectError(outcome: AuthorizeOutcome, error: string | readonly string[]): Record<string, string> {
    const errors = typeof error === 'string' ? [error] : [...error];
    const redirect = this.expectRedirect(outcome);
    const got = redirect.params.error;
    if (!errors.includes(got)) {
      throw new CheckFailure(`error at ${redirect.redirectUri}: expected ${errors.map((e) => JSON.stringify(e)).join(' or ')}, got ${got === undefined ? `no error (parameters: ${Object.keys(redirect.params).join(', ') || 'none'})` : JSON.stringify(got)}`);
    }
    this.passes.push(`error is ${JSON.stringify(got)}`);
    return redirect.params;
  }

  /**
   * The AS must not redirect to `to`, the invalid redirect URI (RFC 6749 §3.1.2.4, §4.1.2.1:
   * "MUST NOT automatically redirect the user-agent to the invalid redirection URI"). Any page,
   * whatever its status (an empty 4xx that Chromium shows as its own error page included), is
   * the correct refusal; so is a redirect to a URI the client did register. Without `to`, any
   * redirect fails.
   */
  expectNoRedirect(outcome: AuthorizeOutcome, to?: string): void {
    this.evidence(outcome);
    if (outcome.kind === 'redirect') {
      if (to === undefined || sameEndpoint(outcome.redirectUri, to)) {
        throw new CheckFailure(`expected no redirect${to ? ` to ${to}` : ''}, the browser was sent to ${outcome.redirectUri} with ${Object.keys(outcome.params).join(', ') || 'no parameters'} (${outcome.responseMode})`);
      }
      this.passes.push(`no redirect to ${to}; the AS sent the browser to ${outcome.redirectUri} instead`);
      return;
    }
    const status = (outcome as { status?: number }).status;
    this.passes.push(`no redirect; the AS showed "${outcome.title || outcome.url.split('?')[0]}"${status ? ` (HTTP ${status})` : ''}`);
  }
}
