/**
 * nonce (OIDC Core §3.1.2.1): echoed in the ID token; required when an ID token comes back
 * from the authorization endpoint (§3.2.2.1, §3.3.2.11: implicit and hybrid).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkNonce(request: AuthorizationRequest, provider: Provider): void {
  const nonce = request.params.get('nonce');
  if (nonce !== undefined && nonce.length > 512) throw new InvalidRequest('nonce is longer than 512 characters');
  // FAULT nonceOptionalForIdTokens (config/faults.ts, only to prove the harness): no nonce needed for an ID token from here.
  if (nonce === undefined && request.responseType!.split(' ').includes('id_token') && !provider.config.faults.nonceOptionalForIdTokens) {
    throw new InvalidRequest('nonce is required when an ID token is returned from the authorization endpoint');
  }
  request.nonce = nonce;
}
