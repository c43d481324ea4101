/**
 * What every successful access token response must look like (RFC 6749 §5.1, RFC 6750 §4),
 * asserted the same way by the suites that receive one from the token endpoint.
 */
import type { CheckScope, HttpResponse } from '../../harness/flow/index.ts';

/**
 * HTTP 200, a JSON object with a non-empty access_token and token_type Bearer (compared
 * case-insensitively, RFC 6749 §5.1), and Cache-Control: no-store. Returns the JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function expectBearerTokenResponse(c: CheckScope, res: HttpResponse): Record<string, any> {
  c.expectStatus(res, 200);
  const json = c.expectJson(res);
  c.expect(json.access_token, 'access_token').toBeNonEmptyString();
  c.expect(typeof json.token_type === 'string' ? json.token_type.toLowerCase() : json.token_type, 'token_type (lower-cased)').toBe('bearer');
  c.expect(res.header('cache-control') ?? '', 'Cache-Control').toMatch(/\bno-store\b/i);
  return json;
}
