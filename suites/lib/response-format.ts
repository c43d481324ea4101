/**
 * The form of a JSON answer from a direct endpoint (token, device authorization, PAR): its
 * media type (RFC 6749 §5.1 and §5.2 for the token endpoint's answers, which RFC 8628 §3.2 and
 * RFC 9126 §2.2, §2.3 reuse) and whether caches may keep it.
 */
import type { CheckScope, HttpResponse } from '../../harness/flow/index.ts';

/** Content-Type is application/json (parameters such as charset allowed). */
export function expectJsonMediaType(c: CheckScope, res: HttpResponse): void {
  c.evidence(res);
  const type = res.header('content-type') ?? '(none)';
  c.expect(type.split(';')[0]!.trim().toLowerCase(), `Content-Type of ${res.method} ${new URL(res.url).pathname}`).toBe('application/json');
}

/** Cache-Control holds no-store, as a SHOULD (for answers that carry a credential other than a token). */
export function shouldBeNoStore(c: CheckScope, res: HttpResponse): void {
  c.evidence(res);
  const header = res.header('cache-control');
  c.should(/no-store/i.test(header ?? ''), `Cache-Control: expected no-store, got ${header === undefined ? 'none' : JSON.stringify(header)}`);
}

/**
 * RFC 6749 §5.2: a client that authenticated with the Authorization header and failed MUST get
 * 401 and a WWW-Authenticate challenge of the scheme it used (Basic).
 */
export function expectBasicChallenge(c: CheckScope, res: HttpResponse): void {
  c.evidence(res);
  c.expectStatus(res, 401);
  const header = res.header('www-authenticate');
  c.expect(header ?? '(none)', 'WWW-Authenticate').toMatch(/(^|[\s,])basic(\s|,|$)/i);
}
