/**
 * request_uri from a pushed authorization request (RFC 9126 §4): the authorization request
 * is the one that was pushed, and only that one: parameters sent beside request_uri (other
 * than client_id, which must name the pushing client) are ignored. The request_uri is single
 * use and expires. It runs among the client checks, before redirect_uri is known, so its
 * errors (invalid_request_uri) are shown as a page. A request_uri that is not a PAR URN is
 * left to check-request-object.ts (a Request Object by reference, RFC 9101 §5.2).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { Params } from '../../http/params.ts';
import { UnverifiedAuthorizationRequest } from '../../errors.ts';
import { isPushedRequestUri, redeemPushedRequest } from '../../pushed-authorization/request-uri.ts';

const problems = {
  unknown: 'the request_uri is unknown or has expired; push the request again',
  'another-client': 'the request_uri was pushed by another client',
  used: 'the request_uri was already used; push the request again',
};

export async function checkPushedRequest(request: AuthorizationRequest, provider: Provider): Promise<void> {
  let requestUri: string | undefined;
  try {
    requestUri = request.params.get('request_uri');
  } catch {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'request_uri is included more than once');
  }
  if (requestUri === undefined || !isPushedRequestUri(requestUri)) return;
  const redeemed = await redeemPushedRequest(provider, request.client!.clientId, requestUri);
  if ('problem' in redeemed) throw new UnverifiedAuthorizationRequest('invalid_request_uri', problems[redeemed.problem]);
  request.params = Params.from(new URLSearchParams(redeemed.params));
  request.pushed = true;
  request.redeemedPushedRequest = true;
}
