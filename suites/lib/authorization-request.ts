/**
 * Authorization requests of the code flow (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1),
 * built the same way by every suite, and the browser round trip that turns one into a code.
 */
import {
  pkce as newPkce, randomValue, withQuery,
  type AuthorizeOptions, type AuthorizeOutcome, type FlowContext, type FormParams, type Target, type TargetClient,
} from '../../harness/flow/index.ts';

export interface CodeRequest {
  client: TargetClient;
  redirectUri: string;
  state: string;
  scope: string;
  nonce?: string;
  pkce?: { verifier: string; challenge: string; method: 'S256' };
  /** The parameters sent (for PAR, the pushed body). */
  params: Record<string, string>;
  /** The authorization endpoint URL carrying `params`. */
  url: string;
}

export interface CodeRequestOptions {
  scope?: string;
  /** Send an S256 code_challenge (default true; RFC 9700 §2.1.1). */
  pkce?: boolean;
  /** Send a nonce (true: a fresh one) (OIDC Core §3.1.2.1). */
  nonce?: boolean | string;
  /** Default: the client's first redirect_uri. */
  redirectUri?: string;
  /** Default "code". */
  responseType?: string;
  prompt?: string;
  /** More parameters (undefined ones left out). */
  extra?: FormParams;
}

/** Builds a code-flow authorization request with fresh state (RFC 6749 §10.12), PKCE S256 and, if asked, a nonce. */
export function codeRequest(target: Target, client: TargetClient, options: CodeRequestOptions = {}): CodeRequest {
  const redirectUri = options.redirectUri ?? client.redirect_uris[0];
  if (!redirectUri) throw new Error(`client ${client.client_id} (${client.role}) has no redirect_uris`);
  const state = randomValue();
  const nonce = options.nonce === true ? randomValue() : typeof options.nonce === 'string' ? options.nonce : undefined;
  const challenge = options.pkce === false ? undefined : newPkce();
  const scope = options.scope ?? (target.capabilities.openid ? 'openid' : '');
  const params: Record<string, string> = {};
  const set = (k: string, v: unknown) => { if (v !== undefined && v !== null && v !== '') params[k] = String(v); };
  set('response_type', options.responseType ?? 'code');
  set('client_id', client.client_id);
  set('redirect_uri', redirectUri);
  set('scope', scope);
  set('state', state);
  set('nonce', nonce);
  set('code_challenge', challenge?.challenge);
  set('code_challenge_method', challenge?.method);
  set('prompt', options.prompt);
  for (const [k, v] of Object.entries(options.extra ?? {})) set(k, v);
  return { client, redirectUri, state, scope, nonce, pkce: challenge, params, url: withQuery(target.endpoint('authorization_endpoint'), params) };
}

export interface CodeOutcome {
  outcome: AuthorizeOutcome;
  /** The response parameters when the browser reached the redirect URI. */
  params?: Record<string, string>;
  code?: string;
}

/** Sends the browser with this request (signing in as the "user" role unless told otherwise). */
export async function authorizeCode(ctx: FlowContext<any>, request: CodeRequest, options: AuthorizeOptions = {}): Promise<CodeOutcome> {
  const outcome = await ctx.browser.authorize(request.url, { user: ctx.target.user('user'), ...options });
  if (outcome.kind !== 'redirect') return { outcome };
  return { outcome, params: outcome.params, code: outcome.params.code };
}

/** Why an outcome has no code, in one line (for the detail of a check that needed one). */
export function describeNoCode(outcome: AuthorizeOutcome): string {
  if (outcome.kind === 'page') {
    const where = { 'login-page': 'the sign-in page', 'login-rejected': 'the sign-in page again', stopped: 'a page' }[outcome.reason];
    return `the browser stopped on ${where} "${outcome.title}" at ${outcome.url.split('?')[0]}`;
  }
  const { error, error_description: description } = outcome.params;
  return error ? `the AS answered error ${JSON.stringify(error)}${description ? ` (${JSON.stringify(description)})` : ''}` : `the response has no code (parameters: ${Object.keys(outcome.params).join(', ') || 'none'})`;
}

/**
 * Whether the browser stopped on a client's redirect URI itself: the authorization response
 * arrived, but nauthera's capture of it was lost (a race of the browser driver on a loaded
 * machine). Nothing the target did: the caller may ask once more.
 */
export function lostResponse(ctx: FlowContext<any>, outcome: AuthorizeOutcome): boolean {
  if (outcome.kind !== 'page' || outcome.reason !== 'stopped') return false;
  const at = outcome.url.split(/[?#]/)[0];
  return ctx.target.clients.some((c) => c.redirect_uris.some((uri) => uri.split(/[?#]/)[0] === at));
}

/** Runs `ask` (a new request and its authorization), once more when its response was lost (lostResponse), noting why. */
export async function askOnceMoreIfLost<T extends { outcome: AuthorizeOutcome }>(ctx: FlowContext<any>, ask: () => Promise<T>): Promise<T> {
  const first = await ask();
  if (!lostResponse(ctx, first.outcome)) return first;
  ctx.note('asked again', `the browser stopped on the redirect URI without nauthera seeing the response (${describeNoCode(first.outcome)}): a new request`);
  return ask();
}

/**
 * A fresh code for a negative check that burns it (a second use, a wrong verifier): a new
 * request, the browser round trip (the IdP session and consent usually make it instant).
 * Throws when no code comes back, which fails the check with the reason.
 */
export async function freshCode(ctx: FlowContext<any>, client: TargetClient, options: CodeRequestOptions = {}, authorize: AuthorizeOptions = {}): Promise<{ request: CodeRequest; code: string }> {
  const { request, outcome, code } = await askOnceMoreIfLost(ctx, async () => {
    const request = codeRequest(ctx.target, client, options);
    return { request, ...(await authorizeCode(ctx, request, authorize)) };
  });
  if (!code) throw new Error(`could not get a code to test with: ${describeNoCode(outcome)}`);
  return { request, code };
}
