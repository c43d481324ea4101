/**
 * Judging an authorization response the way the specs allow every conforming variant:
 * any of OIDC Core §3.1.2.6's codes for a prompt=none the OP cannot satisfy, state compared
 * with the response's own request (a mismatch named as such: an answer to a stale or another
 * request), and a request the target refuses for a reason the spec does not allow retried in
 * the conforming variant it accepts, so the rest of the flow is still judged.
 */
import type { AuthorizeOutcome, CheckScope, FlowContext } from '../../harness/flow/index.ts';
import { codeRequest, type CodeRequest, type CodeRequestOptions } from './authorization-request.ts';

/** OIDC Core §3.1.2.6: what an OP answers to prompt=none when it cannot proceed without the user. */
export const promptNoneErrors = ['login_required', 'interaction_required', 'consent_required', 'account_selection_required'] as const;

/** state is echoed exactly (RFC 6749 §4.1.2, §4.1.2.1: REQUIRED when the request had one). */
export function expectSameState(c: CheckScope, params: Record<string, string>, sent: string | undefined): void {
  if (sent === undefined) return;
  const got = params.state;
  if (got === undefined) c.fail(`the response carries no state; its request sent ${JSON.stringify(sent)} (REQUIRED, RFC 6749 §4.1.2)`);
  if (got !== sent) c.fail(`state mismatch: the response carries ${JSON.stringify(got)}, its own request sent ${JSON.stringify(sent)} (an answer to a stale or another request?)`);
  c.pass('state is the request\'s');
}

/** The error of an error redirect, else undefined. */
export function redirectError(outcome: AuthorizeOutcome): string | undefined {
  return outcome.kind === 'redirect' ? outcome.params.error : undefined;
}

export interface ConformingAttempt {
  request: CodeRequest;
  outcome: AuthorizeOutcome;
  /** Set when the first request was refused and a variant was accepted: what was added. */
  variant?: string;
}

/**
 * Sends `request`; when the target refuses it with invalid_request or invalid_scope although
 * the request is valid, records that on the check `key` (failure) and goes on with the
 * conforming variants a target might demand: a nonce (OPTIONAL in the code flow, OIDC Core
 * §3.1.2.1), then the client's whole configured scope. The check passes when the request
 * was accepted as it was.
 */
export async function authorizeAsSent(
  ctx: FlowContext<any>, key: string, request: CodeRequest, rebuild: CodeRequestOptions,
  run: (request: CodeRequest) => Promise<AuthorizeOutcome>,
): Promise<ConformingAttempt> {
  const first = await run(request);
  const error = redirectError(first);
  const variants: Array<{ what: string; options: CodeRequestOptions }> = [];
  if (error === 'invalid_request' || error === 'invalid_scope') {
    if (!request.nonce && ctx.target.capabilities.openid) variants.push({ what: 'a nonce', options: { ...rebuild, nonce: true } });
    const configured = request.client.scope;
    if (configured && configured !== request.scope) variants.push({ what: `the client's configured scope "${configured}"`, options: { ...rebuild, nonce: !request.nonce && ctx.target.capabilities.openid ? true : rebuild.nonce, scope: configured } });
  }
  let accepted: ConformingAttempt | undefined;
  for (const v of variants) {
    const again = codeRequest(ctx.target, request.client, v.options);
    const outcome = await run(again);
    if (!redirectError(outcome)) {
      accepted = { request: again, outcome, variant: v.what };
      break;
    }
  }
  await ctx.check(key, (c) => {
    c.evidence(first);
    if (!error) return 'the request was accepted as sent';
    const description = first.kind === 'redirect' && first.params.error_description ? ` (${JSON.stringify(first.params.error_description)})` : '';
    c.fail(`a valid request (${Object.keys(request.params).join(', ')}) was refused with ${error}${description}; ${accepted ? `the target accepted it with ${accepted.variant} added, and the flow goes on with that request` : 'no conforming variant was accepted either'}`);
  }, { soft: true });
  return accepted ?? { request, outcome: first };
}

/**
 * The answer to a user who really denied (RFC 6749 §4.1.2.1, §4.2.2.1: access_denied). A user
 * who could not approve is not a user who denied: without a deny control clicked on a consent
 * page, the check is not applicable. Returns the error response's parameters.
 */
export function expectDenied(c: CheckScope, outcome: AuthorizeOutcome, options: { fragment?: boolean } = {}): Record<string, string> {
  const decision = (outcome as { consentDecision?: string }).consentDecision;
  if (decision !== undefined && decision !== 'denied') {
    c.evidence(outcome);
    c.notApplicable(decision === 'not-shown'
      ? 'no consent page was shown, so the user had nothing to deny'
      : 'the consent page had no deny control the login config names (login.consent.deny), so the user could not deny');
  }
  const params = c.expectRedirectError(outcome, 'access_denied');
  if (options.fragment) expectErrorInFragment(c, outcome);
  return params;
}

/**
 * Errors of the implicit and hybrid flows come in the fragment (RFC 6749 §4.2.2.1, OIDC Core
 * §3.2.2.6, §3.3.2.6), as their successful responses do, unless another response_mode was asked.
 */
function expectErrorInFragment(c: CheckScope, outcome: AuthorizeOutcome): void {
  if (outcome.kind !== 'redirect') return;
  if (outcome.responseMode !== 'fragment') c.fail(`the error came in the ${outcome.responseMode === 'query' ? 'query' : 'form post'}, not in the fragment (RFC 6749 §4.2.2.1)`);
}

/**
 * A request the target must refuse: no code and no token come back. Any refusal passes, an
 * error redirect with any code or a page of any status (the error code is judged apart).
 */
export function expectNoGrant(c: CheckScope, outcome: AuthorizeOutcome): string {
  c.evidence(outcome);
  if (outcome.kind === 'page') return `refused: the AS showed "${outcome.title || outcome.url.split('?')[0]}"`;
  const issued = ['code', 'access_token', 'id_token'].filter((k) => outcome.params[k] !== undefined);
  if (issued.length > 0) c.fail(`the AS issued ${issued.join(', ')} (redirected to ${outcome.redirectUri})`);
  return `refused with error ${JSON.stringify(outcome.params.error ?? '(none)')} at ${outcome.redirectUri}`;
}

/** The error code of a refusal that redirected; not applicable when the AS refused with a page. */
export function expectRedirectErrorCode(c: CheckScope, outcome: AuthorizeOutcome, codes: string | readonly string[], options: { fragment?: boolean } = {}): void {
  if (outcome.kind === 'page') c.notApplicable('the AS refused without redirecting, so there is no error code to judge');
  if (outcome.kind === 'redirect' && ['code', 'access_token', 'id_token'].some((k) => outcome.params[k] !== undefined)) c.notApplicable('the request was not refused');
  c.expectRedirectError(outcome, codes);
  if (options.fragment) expectErrorInFragment(c, outcome);
}
