/**
 * scope: required here (RFC 6749 §3.3 leaves the choice between a default and an error),
 * every value known and allowed for the client (else invalid_scope). An OpenID request must
 * name its redirect_uri (OIDC Core §3.1.2.1).
 */
import type { AuthorizationRequest } from '../request.ts';
import { InvalidRequest, InvalidScope } from '../../errors.ts';
import { parseScope } from '../../scopes.ts';

export function checkScope(request: AuthorizationRequest): void {
  const scopes = parseScope(request.params.get('scope'));
  if (scopes.length === 0) throw new InvalidScope('scope is required');
  const refused = scopes.filter((s) => !request.client!.scopes.has(s));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ').slice(0, 200)}`);
  if (scopes.includes('openid') && !request.redirectUriSent) throw new InvalidRequest('redirect_uri is required for an OpenID Connect request');
  request.scopes = scopes;
}
