/**
 * PKCE (RFC 7636), S256 only: plain is refused (RFC 9700 §2.1.1), and so is a missing
 * code_challenge_method, which would mean plain (RFC 7636 §4.3). Public clients, and clients
 * configured with require_pkce, must send a code_challenge.
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { InvalidRequest } from '../../errors.ts';

export function checkPkce(request: AuthorizationRequest, provider: Provider): void {
  const challenge = request.params.get('code_challenge');
  const method = request.params.get('code_challenge_method');
  if (!request.responseType!.split(' ').includes('code')) {
    if (challenge !== undefined || method !== undefined) throw new InvalidRequest('PKCE parameters are only for responses with a code');
    return;
  }
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    if (request.client!.requirePkce) throw new InvalidRequest('PKCE is required for this client: send code_challenge with code_challenge_method=S256');
    return;
  }
  // FAULT plainPkceAccepted (config/faults.ts, only to prove the harness): plain taken, though only S256 is advertised.
  if (method === 'plain' && provider.config.faults.plainPkceAccepted) {
    request.codeChallenge = challenge;
    return;
  }
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256 (plain is not supported)');
  // The S256 challenge is the base64url SHA-256 of the verifier: 43 characters.
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new InvalidRequest('code_challenge is not a base64url SHA-256 value');
  request.codeChallenge = challenge;
  request.codeChallengeMethod = 'S256';
}
