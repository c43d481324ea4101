/**
 * An ID token is only for an OpenID Connect request: a response_type with id_token needs the
 * openid scope (OIDC Core §3.2.2.1, §3.3.2.1). Without it the request is invalid_scope.
 */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidScope } from '../../errors.ts';

export function checkIdTokenScope(request: AuthorizationRequest): void {
  if (request.responseType!.split(' ').includes('id_token') && !request.scopes.includes('openid')) {
    throw new InvalidScope('response_type id_token needs the openid scope');
  }
}
