/**
 * resource (RFC 8707 §2): the protected resource the client wants a token for, checked here
 * and kept with the code, so that the access token is for that resource (its aud).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { acceptResource } from '../../resource-indicators.ts';
import { InvalidTarget } from '../../errors.ts';

export function checkResource(request: AuthorizationRequest, provider: Provider): void {
  const resource = request.params.get('resource');
  // FAULT protectedResourceRefusedAtAuthorize (config/faults.ts, only to prove the harness): every resource is refused, its own protected resource too.
  if (provider.config.faults.protectedResourceRefusedAtAuthorize && resource !== undefined) {
    throw new InvalidTarget('the authorization server does not issue tokens for this resource');
  }
  request.resource = acceptResource(provider, resource);
}
