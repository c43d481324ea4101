/**
 * A small user agent for the reference server's pages, without a browser: fetch with a
 * cookie jar, following redirects by hand, filling the sign-in form and answering the
 * consent page. It stops at the client's redirect_uri (https://rp.nauthera.test, never
 * fetched) and returns that URL. Tests where the browser matters use Chromium instead.
 */
import type { RunningReference } from '../../../reference-server/index.ts';

export const rpOrigin = 'https://rp.nauthera.test';
export const redirectUri = `${rpOrigin}/callback`;

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  capture(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

export interface SignIn {
  username: string;
  password: string;
}

export interface AuthorizeOutcome {
  /** The client's redirect_uri with the response, when the flow got there. */
  callback?: URL;
  /** The authorization response parameters (query, or fragment). */
  response?: URLSearchParams;
  /** Otherwise the last page: status and HTML. */
  status?: number;
  page?: string;
  /** Every page seen on the way (login, consent). */
  seen: Array<'login' | 'consent' | 'login-error'>;
}

export interface AuthorizeOptions {
  signIn?: SignIn;
  /** Answer on the consent page (default allow). */
  decision?: 'allow' | 'deny';
  jar?: CookieJar;
}

export function hiddenField(page: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
}

export function formAction(page: string): string | undefined {
  return /<form method="post" action="([^"]+)"/.exec(page)?.[1];
}

/** GET /authorize with these parameters (or this URL) and walk the pages until the client gets its answer. */
export async function authorize(ref: RunningReference, params: Record<string, string> | URL, options: AuthorizeOptions = {}): Promise<AuthorizeOutcome> {
  const jar = options.jar ?? new CookieJar();
  const seen: AuthorizeOutcome['seen'] = [];
  let url = params instanceof URL ? params : new URL(`${ref.issuer}/authorize?${new URLSearchParams(params)}`);
  let init: RequestInit = { method: 'GET' };
  let signedIn = false;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
    jar.capture(response);
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location')!, url);
      if (location.origin === rpOrigin) {
        const response = location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
        return { callback: location, response, seen };
      }
      url = location;
      init = { method: 'GET' };
      continue;
    }
    const page = await response.text();
    const action = formAction(page);
    if (response.status === 200 && action?.endsWith('/login')) {
      if (page.includes('role="alert"')) seen.push('login-error');
      if (!options.signIn || signedIn) return { status: response.status, page, seen };
      seen.push('login');
      signedIn = true;
      url = new URL(action, url);
      init = form({ csrf: hiddenField(page, 'csrf')!, username: options.signIn.username, password: options.signIn.password });
      continue;
    }
    if (response.status === 200 && action?.endsWith('/consent')) {
      seen.push('consent');
      url = new URL(action, url);
      init = form({ csrf: hiddenField(page, 'csrf')!, decision: options.decision ?? 'allow' });
      continue;
    }
    return { status: response.status, page, seen };
  }
  throw new Error('too many redirects');
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
