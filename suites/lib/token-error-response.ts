/**
 * The form of an error response at the token endpoint (RFC 6749 §5.2), apart from its code:
 * a JSON body, and error values made only of the characters §5.2 allows.
 */
import type { CheckScope, HttpResponse } from '../../harness/flow/index.ts';

/** Whether a response is an OAuth error response (a 4xx/5xx whose JSON names an error). */
export function isErrorResponse(res: HttpResponse | undefined): res is HttpResponse {
  return !!res && res.status >= 400 && typeof res.json?.error === 'string';
}

const where = (res: HttpResponse) => `${res.method} ${new URL(res.url).pathname} (HTTP ${res.status}, error ${JSON.stringify(res.json?.error)})`;

/** RFC 6749 §5.2: the parameters are in the body with the "application/json" media type. */
export function expectJsonMediaType(c: CheckScope, responses: HttpResponse[]): void {
  for (const res of responses) {
    c.evidence(res);
    const type = (res.header('content-type') ?? '(none)').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') c.fail(`Content-Type of ${where(res)}: expected application/json, got ${JSON.stringify(res.header('content-type') ?? '(none)')}`);
  }
  c.pass(`${responses.length} error responses are application/json`);
}

/** RFC 6749 §5.2: error and error_description MUST NOT include characters outside %x20-21 / %x23-5B / %x5D-7E. */
export function expectErrorCharacters(c: CheckScope, responses: HttpResponse[]): void {
  const allowed = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
  for (const res of responses) {
    c.evidence(res);
    for (const member of ['error', 'error_description'] as const) {
      const value = res.json?.[member];
      if (value === undefined) continue;
      if (typeof value !== 'string') c.fail(`${member} of ${where(res)}: expected a string, got ${JSON.stringify(value)}`);
      if (!allowed.test(value)) c.fail(`${member} of ${where(res)} holds a character §5.2 forbids (a quote, a backslash or a non-ASCII/control character): ${JSON.stringify(value)}`);
    }
    const uri = res.json?.error_uri;
    if (uri !== undefined && (typeof uri !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]*$/.test(uri))) c.fail(`error_uri of ${where(res)} holds a character §5.2 forbids: ${JSON.stringify(uri)}`);
  }
  c.pass(`the error members of ${responses.length} error responses use only the characters §5.2 allows`);
}
