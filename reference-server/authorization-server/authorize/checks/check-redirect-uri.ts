/**
 * redirect_uri is one of the client's registered URIs, compared as exact strings
 * (RFC 9700 §4.1.3, RFC 6749 §3.1.2.3). It may be omitted only when the client has exactly
 * one. Failing here shows an error page: the AS MUST NOT redirect to an unverified URI
 * (RFC 6749 §4.1.2.1).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { UnverifiedAuthorizationRequest } from '../../errors.ts';

export function checkRedirectUri(request: AuthorizationRequest, provider: Provider): void {
  const client = request.client!;
  let redirectUri: string | undefined;
  try {
    redirectUri = request.params.get('redirect_uri');
  } catch {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'redirect_uri is included more than once');
  }
  if (redirectUri === undefined) {
    if (client.redirectUris.length !== 1) throw new UnverifiedAuthorizationRequest('invalid_request', 'redirect_uri is missing');
    request.redirectUri = client.redirectUris[0];
    return;
  }
  // FAULT prefixRedirectUri (config/faults.ts, only to prove the harness): prefix matching, the classic open redirect.
  const registered = provider.config.faults.prefixRedirectUri
    ? client.redirectUris.some((uri) => redirectUri.startsWith(uri))
    : client.redirectUris.includes(redirectUri);
  if (!registered) {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'redirect_uri does not match any URI registered for this client');
  }
  request.redirectUri = redirectUri;
  request.redirectUriSent = true;
}
