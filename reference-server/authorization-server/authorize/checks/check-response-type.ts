/**
 * response_type is one the server serves (else unsupported_response_type) and one the client
 * is registered for (else unauthorized_client), RFC 6749 §4.1.2.1. Values are compared as a
 * set (OAuth Multiple Response Types §3: their order does not matter).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../../errors.ts';
import { canonicalResponseType, responseTypeHandlers } from '../response-types.ts';

export function checkResponseType(request: AuthorizationRequest, provider: Provider): void {
  const raw = request.params.get('response_type');
  if (raw === undefined) throw new InvalidRequest('response_type is missing');
  const responseType = canonicalResponseType(raw);
  // FAULT unsupportedResponseTypeAsInvalidRequest (config/faults.ts, only to prove the harness): the wrong error code.
  if (!Object.hasOwn(responseTypeHandlers, responseType) && provider.config.faults.unsupportedResponseTypeAsInvalidRequest) throw new InvalidRequest(`response_type "${raw.slice(0, 64)}" is not supported`);
  if (!Object.hasOwn(responseTypeHandlers, responseType)) throw new UnsupportedResponseType(`response_type "${raw.slice(0, 64)}" is not supported`);
  if (!request.client!.responseTypes.map(canonicalResponseType).includes(responseType)) {
    throw new UnauthorizedClient(`the client may not use response_type ${responseType}`);
  }
  request.responseType = responseType;
}
