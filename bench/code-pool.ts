/**
 * A pool of authorization codes for the code-exchange figure, prepared in advance through the
 * real front channel: GET /authorize, the sign-in page (LDAP bind), the consent page, then, with
 * the session cookie and the remembered consent, one GET /authorize per further code. The
 * reference server exposes no storage API to tests (startReferenceServer() keeps its storage
 * private), so this is the only honest way in. A small fetch user agent, no browser.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface PreparedCode {
  code: string;
  verifier: string;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();

  capture(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

export interface CodeRequest {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  username: string;
  password: string;
}

const field = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
const formAction = (page: string) => /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(page)?.[1];

async function authorizeOnce(request: CodeRequest, jar: CookieJar): Promise<PreparedCode> {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scope,
    state: randomBytes(8).toString('base64url'),
    nonce: randomBytes(8).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let url = new URL(`${request.issuer}/authorize?${params}`);
  let init: RequestInit = { method: 'GET' };
  const callbackOrigin = new URL(request.redirectUri).origin;
  for (let hop = 0; hop < 12; hop++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() }, signal: AbortSignal.timeout(10_000) });
    jar.capture(response);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = new URL(response.headers.get('location')!, url);
      if (location.origin === callbackOrigin) {
        const answer = location.searchParams;
        const code = answer.get('code');
        if (!code) throw new Error(`/authorize answered ${answer.get('error')}: ${answer.get('error_description')}`);
        return { code, verifier };
      }
      url = location;
      init = { method: 'GET' };
      continue;
    }
    const page = await response.text();
    const action = formAction(page);
    const csrf = field(page, 'csrf');
    if (response.status !== 200 || !action || !csrf) throw new Error(`/authorize stopped at a ${response.status} page: ${page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 200)}`);
    const form: Record<string, string> = action.endsWith('/login') ? { csrf, username: request.username, password: request.password } : { csrf, decision: 'allow' };
    url = new URL(action, url);
    init = { method: 'POST', body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('/authorize: too many redirects');
}

/** `count` codes; the first signs in and consents, the rest reuse that session, `parallel` at a time. */
export async function prepareCodes(request: CodeRequest, count: number, parallel = 4): Promise<{ codes: PreparedCode[]; elapsedMs: number }> {
  const started = performance.now();
  const jar = new CookieJar();
  const codes: PreparedCode[] = [await authorizeOnce(request, jar)];
  let next = codes.length;
  const worker = async () => {
    while (next < count) {
      next++;
      codes.push(await authorizeOnce(request, jar));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { codes, elapsedMs: performance.now() - started };
}
