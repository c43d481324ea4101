/**
 * Token exchange requests (RFC 8693 §2.1) as the API Service sends them, and what the suite
 * needs to know of the target to send them: the client that may exchange, and the audience of
 * the downstream API.
 */
import type { FlowContext, FormParams, HttpResponse, Target, TargetClient } from '../../harness/flow/index.ts';

export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: the token type URI of an OAuth access token. */
export const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** The client of role "exchanger" when it may use the grant. */
export function exchangerOf(target: Target): TargetClient | undefined {
  const client = target.findClient('exchanger');
  return client?.grant_types.includes(tokenExchangeGrantType) ? client : undefined;
}

/**
 * The audience (RFC 8693 §2.1, a logical name of the target service) the API Service asks a
 * token for: options.tokenExchangeAudience of the target config; on the reference, the client_id
 * of its downstream API (reference-server/config/default.ts).
 */
export function downstreamAudienceOf(target: Target): string | undefined {
  const configured = target.options.tokenExchangeAudience;
  if (typeof configured === 'string' && configured) return configured;
  return target.kind === 'reference' ? 'downstream-api' : undefined;
}

/** POST token_endpoint with grant_type token-exchange and `params`, authenticated as `client`. */
export function exchange(ctx: FlowContext<any>, client: TargetClient, params: FormParams): Promise<HttpResponse> {
  return ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: tokenExchangeGrantType, ...params }, { client });
}

/** The scope tokens of a space-separated scope string. */
export const scopeList = (scope: unknown): string[] => (typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
