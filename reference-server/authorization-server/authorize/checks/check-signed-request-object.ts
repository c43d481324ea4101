/**
 * The outcome of check-request-object.ts, now that redirect_uri is verified: a bad Request Object
 * is refused here (its error redirected). A client registered with require_signed_request_object
 * gets no answer to a plain request (RFC 9101 §10.5: "the server MUST reject the authorization
 * request from the client that does not conform to this specification"). A request resumed after
 * sign-in, or redeemed from a pushed request, was judged when it arrived.
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkSignedRequestObject(request: AuthorizationRequest, provider: Provider): void {
  if (request.requestObject instanceof Error) throw request.requestObject;
  if (request.requestObject === 'verified' || request.resumed || request.redeemedPushedRequest) return;
  // FAULT signedRequestObjectNotRequired (config/faults.ts, only to prove the harness): require_signed_request_object is not enforced.
  if (request.client!.requireSignedRequestObject && !provider.config.faults.signedRequestObjectNotRequired) {
    throw new InvalidRequest('this client must send its authorization requests as a signed Request Object (require_signed_request_object)');
  }
}
