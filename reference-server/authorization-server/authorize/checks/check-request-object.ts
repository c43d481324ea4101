/**
 * Request objects are not supported (OIDC Core §6): request and request_uri get their own
 * error codes (§3.1.2.6). Pushed authorization requests (RFC 9126) resolve request_uri
 * before this check.
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { RequestNotSupported, RequestUriNotSupported } from '../../errors.ts';

export function checkRequestObject(request: AuthorizationRequest, provider: Provider): void {
  // FAULT requestParameterIgnored (config/faults.ts, only to prove the harness): the request parameter is silently ignored.
  if (request.params.has('request') && !provider.config.faults.requestParameterIgnored) throw new RequestNotSupported();
  if (request.params.has('request_uri')) throw new RequestUriNotSupported();
}
