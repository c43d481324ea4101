/**
 * Tokens from the authorization endpoint (implicit RFC 6749 §4.2, OIDC Core §3.2; hybrid OIDC
 * Core §3.3): which of those response types a client may use at a target, and the checks on
 * a response that must come in the fragment (OAuth 2.0 Multiple Response Type Encoding
 * Practices §5, RFC 6749 §4.2.2).
 */
import { sameResponseType, supportsResponseType, type AuthorizeOutcome, type CheckScope, type ClientRole, type FlowContext, type Target, type TargetClient, type TargetUser } from '../../harness/flow/index.ts';
import type { CodeRequest } from './authorization-request.ts';
import { expectNoGrant, expectRedirectErrorCode, expectSameState } from './authorization-response.ts';

/** The response types of `wanted` the target lists and the client is registered for. */
export function usableResponseTypes(target: Target, client: TargetClient, wanted: readonly string[]): string[] {
  return wanted.filter((t) => supportsResponseType(target.capabilities, t) && client.response_types.some((r) => sameResponseType(r, t)));
}

/** Why none of `wanted` can be tested, or undefined when some can. */
export function noResponseTypeReason(target: Target, client: TargetClient | undefined, role: string, wanted: readonly string[]): string | undefined {
  if (!client) return `the target has no client with role "${role}"`;
  if (usableResponseTypes(target, client, wanted).length > 0) return undefined;
  const listed = wanted.filter((t) => supportsResponseType(target.capabilities, t));
  if (listed.length === 0) return `response_types_supported lists none of ${wanted.map((t) => `"${t}"`).join(', ')}`;
  return `client ${client.client_id} is registered for none of ${listed.map((t) => `"${t}"`).join(', ')} (response_types in the config)`;
}

/**
 * The first step of implicit and hybrid: the client of `role`, and one request per response
 * type of `wanted` it can use at the target (the first one is walked through the next steps).
 */
export function requestEachResponseType(
  ctx: FlowContext<{ client?: TargetClient; requests?: CodeRequest[] }>,
  role: ClientRole,
  wanted: readonly string[],
  request: (client: TargetClient, responseType: string) => CodeRequest,
): void {
  const client = ctx.target.client(role);
  ctx.state.client = client;
  ctx.state.requests = usableResponseTypes(ctx.target, client, wanted).map((t) => request(client, t));
  ctx.log(`client ${client.client_id}, response types ${ctx.state.requests.map((r) => `"${r.params.response_type}"`).join(', ')}`);
}

/** The AS answers nothing before a sign-in: the browser stops at the login page. */
export function expectSignInAsked(c: CheckScope, outcome: AuthorizeOutcome): void {
  c.evidence(outcome);
  if (outcome.kind === 'redirect') return c.fail(`the AS answered at once, before any sign-in, with ${Object.keys(outcome.params).join(', ')}${outcome.params.error ? ` (error ${outcome.params.error})` : ''}`);
  c.expect(outcome.reason, 'where the browser stopped').toBe('login-page');
}

/**
 * A successful response delivered in the fragment, nothing of it in the query (tokens must
 * not reach the client's server in a query string, and the default response mode of these
 * response types is fragment). Returns the parameters.
 */
export function expectFragmentResponse(c: CheckScope, outcome: AuthorizeOutcome): Record<string, string> {
  const params = c.expectAuthorizationResponse(outcome);
  if (outcome.kind !== 'redirect') return params;
  c.expect(outcome.responseMode, 'response mode').toBe('fragment');
  const query = new URL(outcome.url).searchParams;
  for (const key of ['access_token', 'id_token', 'code', 'state']) c.expect(query.get(key), `${key} in the query`).toBe(null);
  return params;
}

/** The members of an access token in a front-channel response (RFC 6749 §4.2.2): access_token, token_type Bearer, expires_in if given. */
export function expectFrontChannelAccessToken(c: CheckScope, params: Record<string, string>): void {
  c.expect(params.access_token, 'access_token').toBeNonEmptyString();
  c.expect(params.token_type?.toLowerCase(), 'token_type (case-insensitive)').toBe('bearer');
  if (params.expires_in !== undefined) c.expect(Number(params.expires_in), 'expires_in').toBeGreaterThan(0);
}

/**
 * OIDC Core §3.2.2.1 / §3.3.2.11: nonce is REQUIRED when the authorization endpoint returns an
 * ID token. Two checks of the calling step: `refused` (no code or token issued, whatever the
 * refusal) and `errorCode` (an invalid_request error, in the fragment like every response of
 * these flows). `request` is the request without nonce, or undefined when the client can use no
 * response type with an ID token (the reason says why).
 */
export async function checkNonceRequired(
  ctx: FlowContext<any>, keys: { refused: string; errorCode: string; state?: string }, request: CodeRequest | undefined, notApplicable: string, user: TargetUser,
): Promise<void> {
  let outcome: AuthorizeOutcome | undefined;
  await ctx.check(keys.refused, async (c) => {
    if (!request) return c.notApplicable(notApplicable);
    outcome = await ctx.browser.authorize(request.url, { user });
    return expectNoGrant(c, outcome);
  }, { soft: true });
  await ctx.check(keys.errorCode, (c) => {
    if (!outcome) return c.notApplicable('no request without nonce was sent');
    expectRedirectErrorCode(c, outcome, 'invalid_request', { fragment: true });
  }, { soft: true });
  // OIDC Core §3.1.2.6 (and §3.2.2.6, §3.3.2.6): the error response carries the state of its request.
  if (keys.state) {
    await ctx.check(keys.state, (c) => {
      if (!outcome || outcome.kind !== 'redirect' || outcome.params.error === undefined) c.notApplicable('the request without nonce was not answered with an error response');
      c.evidence(outcome!);
      expectSameState(c, (outcome as Extract<AuthorizeOutcome, { kind: 'redirect' }>).params, request?.state);
    }, { soft: true });
  }
}
