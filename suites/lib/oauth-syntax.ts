/**
 * The character sets RFC 6749 gives the values of its messages (§4.1.2.1, §5.2 and
 * Appendix A), and the checks that judge every error a suite collected against them: each
 * check asserts one rule over all the errors, so one run names every departure.
 */
import type { AuthorizeOutcome, CheckScope, HttpResponse } from '../../harness/flow/index.ts';

/** error and error_description: %x20-21 / %x23-5B / %x5D-7E (no `"` and no `\`) (RFC 6749 §4.1.2.1, §5.2, A.7, A.8). */
export const errorCharacters = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
/** error_uri: a URI-reference of %x21 / %x23-5B / %x5D-7E (RFC 6749 §4.1.2.1, §5.2, A.9). */
export const errorUriCharacters = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** code, state, access_token, refresh_token: 1*VSCHAR, %x20-7E (RFC 6749 A.5, A.11, A.12, A.17). */
export const vschar = /^[\x20-\x7E]+$/;
/** A scope: scope-tokens of 1*NQCHAR (%x21 / %x23-5B / %x5D-7E) separated by single spaces (RFC 6749 §3.3, A.4). */
export const scopeSyntax = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** One error a suite saw: where (a label), and its parameters. */
export interface SeenError {
  label: string;
  error?: unknown;
  error_description?: unknown;
  error_uri?: unknown;
}

/** The error of a token-endpoint answer (RFC 6749 §5.2 JSON body), if it has one. */
export function tokenErrorOf(label: string, res: HttpResponse | undefined): SeenError | undefined {
  if (!res || res.status < 400 || !res.json || typeof res.json !== 'object') return undefined;
  return { label, error: res.json.error, error_description: res.json.error_description, error_uri: res.json.error_uri };
}

/** The error of an authorization error redirect (RFC 6749 §4.1.2.1), if it is one. */
export function redirectErrorOf(label: string, outcome: AuthorizeOutcome | undefined): SeenError | undefined {
  if (!outcome || outcome.kind !== 'redirect' || outcome.params.error === undefined) return undefined;
  return { label, error: outcome.params.error, error_description: outcome.params.error_description, error_uri: outcome.params.error_uri };
}

type Member = 'error' | 'error_description' | 'error_uri';

/**
 * Every seen value of `member` is a string of `allowed` characters. Not applicable when no
 * error carried the member (error_description and error_uri are OPTIONAL).
 */
export function expectMemberCharacters(c: CheckScope, seen: ReadonlyArray<SeenError | undefined>, member: Member, allowed: RegExp): string {
  const errors = seen.filter((e): e is SeenError => !!e && e[member] !== undefined);
  if (errors.length === 0) c.notApplicable(`no error response carried ${member}`);
  const bad = errors.filter((e) => typeof e[member] !== 'string' || !allowed.test(e[member] as string));
  if (bad.length > 0) {
    c.fail(`${member} outside the characters RFC 6749 allows in ${bad.map((e) => `${e.label}: ${JSON.stringify(e[member])}`).join('; ')}`);
  }
  return `${member} of ${errors.length} error response(s) in the allowed characters (${errors.map((e) => e.label).join(', ')})`;
}

/** Whether a media type is application/json (any parameters, e.g. charset). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return /^\s*application\/json\s*(;|$)/i.test(contentType ?? '');
}
