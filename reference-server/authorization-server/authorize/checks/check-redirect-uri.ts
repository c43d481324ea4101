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
  const { faults } = provider.config;
  // FAULT redirectUriPathCaseInsensitive (config/faults.ts, only to prove the harness): the path compared ignoring case.
  // FAULT redirectUriQueryIgnored (config/faults.ts, only to prove the harness): the query left out of the comparison.
  const loosen = (uri: string) => {
    const u = URL.canParse(uri) ? new URL(uri) : undefined;
    if (!u) return uri;
    if (faults.redirectUriPathCaseInsensitive) u.pathname = u.pathname.toLowerCase();
    if (faults.redirectUriQueryIgnored) u.search = '';
    return u.href;
  };
  const loose = faults.redirectUriPathCaseInsensitive || faults.redirectUriQueryIgnored;
  const registered = faults.prefixRedirectUri
    ? client.redirectUris.some((uri) => redirectUri.startsWith(uri))
    : loose ? client.redirectUris.some((uri) => loosen(uri) === loosen(redirectUri)) : client.redirectUris.includes(redirectUri);
  if (!registered) {
    throw new UnverifiedAuthorizationRequest('invalid_request', 'redirect_uri does not match any URI registered for this client');
  }
  request.redirectUri = redirectUri;
  request.redirectUriSent = true;
}
