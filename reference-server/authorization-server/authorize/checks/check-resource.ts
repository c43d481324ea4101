/**
 * resource (RFC 8707 §2): the protected resource the client wants a token for, checked here
 * and kept with the code, so that the access token is for that resource (its aud).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { acceptResource } from '../../resource-indicators.ts';

export function checkResource(request: AuthorizationRequest, provider: Provider): void {
  request.resource = acceptResource(provider, request.params.get('resource'));
}
