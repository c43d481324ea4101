/**
 * require_pushed_authorization_requests (RFC 9126 §5 for the server, §6 for a client): such a
 * request must arrive as a request_uri from /par. A request resumed after sign-in or consent
 * was checked when it arrived. The client and redirect_uri are verified by now, so the error
 * goes back to the client.
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkPushedRequired(request: AuthorizationRequest, provider: Provider): void {
  if (request.pushed || request.resumed) return;
  if (provider.config.pushedAuthorizationRequests.required || request.client!.requirePushedAuthorizationRequests) {
    throw new InvalidRequest('pushed authorization requests are required: push the request to the PAR endpoint and send its request_uri');
  }
}
