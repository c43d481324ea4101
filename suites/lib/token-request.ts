/**
 * Token endpoint requests (RFC 6749 §4.1.3, §6) and the checks every token response gets
 * (§5.1), shared by the suites.
 */
import type { CheckScope, FlowContext, HttpResponse, Target, TargetClient } from '../../harness/flow/index.ts';
import type { CodeRequest } from './authorization-request.ts';

export interface ExchangeOverrides {
  /** Authenticate as this client instead (a code presented by another client). */
  client?: TargetClient;
  /** code_verifier to send instead of the request's; null sends none. */
  verifier?: string | null;
  /** redirect_uri to send instead of the request's; null sends none. */
  redirectUri?: string | null;
}

/** grant_type=authorization_code for a code of `request` (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function exchangeCode(ctx: FlowContext<any>, request: CodeRequest, code: string, overrides: ExchangeOverrides = {}): Promise<HttpResponse> {
  const verifier = overrides.verifier === null ? undefined : overrides.verifier ?? request.pkce?.verifier;
  const redirectUri = overrides.redirectUri === null ? undefined : overrides.redirectUri ?? request.redirectUri;
  return ctx.http.postForm(ctx.target.endpoint('token_endpoint'), {
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
  }, { client: overrides.client ?? request.client });
}

/** grant_type=refresh_token (RFC 6749 §6). */
export function refreshGrant(ctx: FlowContext<any>, client: TargetClient, refreshToken: string, scope?: string): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'refresh_token', refresh_token: refreshToken, scope }, { client });
}

/**
 * A successful token response (RFC 6749 §5.1): 200, JSON, an access_token, token_type Bearer
 * (RFC 6750 §6.1.1); returns the body. Cache-Control: no-store is its own check (tokenNotCacheable).
 */
export function expectTokenResponse(c: CheckScope, res: HttpResponse): Record<string, any> {
  c.expectStatus(res, 200);
  const json = c.expectJson(res);
  c.expect(json.access_token, 'access_token').toBeNonEmptyString();
  c.expect(String(json.token_type).toLowerCase(), 'token_type (case-insensitive)').toBe('bearer');
  if (json.expires_in !== undefined) c.expect(json.expires_in, 'expires_in').toBeNumber();
  return json;
}

/** RFC 6749 §5.1: a response with tokens MUST carry Cache-Control: no-store. */
export function expectNoStore(c: CheckScope, res: HttpResponse): void {
  c.expect(res.header('cache-control') ?? '(none)', 'Cache-Control').toMatch(/no-store/i);
}

/**
 * Another client of the target that may use the code flow (RFC 6749 §4.1.3: a code is bound
 * to its client): a second client of the same role first, then any other role.
 */
export function otherCodeClient(target: Target, client: TargetClient): TargetClient | undefined {
  const candidates = [target.findClient(client.role, 1), ...(['confidential', 'opaque', 'hybrid', 'par', 'public'] as const).map((r) => target.findClient(r))];
  return candidates.find((c): c is TargetClient => !!c && c.client_id !== client.client_id && c.grant_types.includes('authorization_code'));
}

/**
 * The token with its first signature (or, for an opaque token, its first) character changed:
 * still well-formed, no longer valid. The first character, since the last base64url
 * character of a signature may only carry padding bits that decoders ignore.
 */
export function tamperToken(token: string): string {
  const cut = token.lastIndexOf('.') + 1;
  const at = cut > 0 && cut < token.length ? cut : 0;
  const swapped = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${swapped}${token.slice(at + 1)}`;
}

/** A JWT (three dot-separated base64url parts), as opposed to an opaque token. */
export function isJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/**
 * A refusal at the token endpoint, whatever its error code: no 2xx and no token. The code
 * itself (RFC 6749 §5.2) is judged apart, by expectErrorCodeOf, so that "refused" and
 * "refused with the right code" are separate verdicts.
 */
export function expectRefused(c: CheckScope, res: HttpResponse): void {
  c.evidence(res);
  if (res.status >= 200 && res.status < 300) c.fail(`expected a refusal, got HTTP ${res.status}${typeof res.json?.access_token === 'string' ? ' with an access_token' : ''}`);
  if (typeof res.json?.access_token === 'string') c.fail(`expected a refusal, got HTTP ${res.status} with an access_token`);
  c.pass(`refused with HTTP ${res.status}${typeof res.json?.error === 'string' ? ` and error ${JSON.stringify(res.json.error)}` : ''}`);
}

/** The error code of a refusal (RFC 6749 §5.2); not applicable when nothing was refused. */
export function expectErrorCodeOf(c: CheckScope, res: HttpResponse | undefined, error: string | readonly string[]): void {
  if (!res) c.notApplicable('the request was not sent');
  if (res!.status >= 200 && res!.status < 300) c.notApplicable('the request was not refused (judged by the check before)');
  c.expectOAuthError(res!, error);
}

/** The two declarations of a refusal: `<key>` (refused at all) and `<key>-error-code` (with the code §5.2 gives). */
export function refusalChecks(key: string, name: string, spec: string, error: string): Record<string, { name: string; spec: string }> {
  return {
    [key]: { name, spec },
    [`${key}-error-code`]: { name: `${name}: the error is ${error}`, spec: 'RFC 6749 §5.2' },
  };
}
