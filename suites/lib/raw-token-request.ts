/**
 * Token requests the form helpers cannot send: a parameter twice, or the parameters in the
 * URL of a GET. The client authenticates as its token_endpoint_auth_method says (RFC 6749
 * §2.3.1: Basic in the header, client_secret_post and none in the parameters).
 */
import type { FlowContext, HttpResponse, TargetClient } from '../../harness/flow/index.ts';

/** How a client's credentials go along with raw parameters; undefined for a method that cannot (private_key_jwt). */
export function rawCredentials(client: TargetClient): { basic?: { username: string; password: string }; params: Array<[string, string]> } | undefined {
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic':
      return client.client_secret === undefined ? undefined : { basic: { username: client.client_id, password: client.client_secret }, params: [] };
    case 'client_secret_post':
      return client.client_secret === undefined ? undefined : { params: [['client_id', client.client_id], ['client_secret', client.client_secret]] };
    case 'none':
      return { params: [['client_id', client.client_id]] };
    default:
      return undefined;
  }
}

/** POSTs `params` form-encoded as given (repeats kept), authenticated as `client`. */
export function postRawForm(ctx: FlowContext<any>, url: string, client: TargetClient, params: Array<[string, string]>): Promise<HttpResponse> {
  const credentials = rawCredentials(client)!;
  return ctx.http.request('POST', url, {
    body: new URLSearchParams([...params, ...credentials.params]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    basic: credentials.basic,
  });
}

/** GETs `url` with `params` (and the client's non-header credentials) in the query. */
export function getWithQuery(ctx: FlowContext<any>, url: string, client: TargetClient, params: Array<[string, string]>): Promise<HttpResponse> {
  const credentials = rawCredentials(client)!;
  const target = new URL(url);
  for (const [k, v] of [...params, ...credentials.params]) target.searchParams.append(k, v);
  return ctx.http.get(target.toString(), { basic: credentials.basic });
}
