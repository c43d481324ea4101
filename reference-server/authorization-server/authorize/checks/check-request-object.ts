/**
 * Request Objects (RFC 9101; OIDC Core §6): `request` by value or a registered `request_uri`
 * by reference (request-objects/). When the object is valid, the request is the object's
 * parameters and only those (RFC 9101 §6.3: parameters beside it are not used). It runs among
 * the client checks, after a pushed request_uri is redeemed (RFC 9126) and before redirect_uri,
 * because the object names the redirect_uri. A bad object is not shown as a page at once: the
 * error waits for the request checks (check-signed-request-object.ts), so that it goes back to
 * the redirect_uri of the query once that is verified as registered (RFC 9101 §6.2, §6.3 say
 * the error is returned to the client).
 */
import type { AuthorizationRequest } from '../request.ts';
import type { Provider } from '../../provider.ts';
import { Params } from '../../http/params.ts';
import { InvalidRequest, OAuthError, UnverifiedAuthorizationRequest } from '../../errors.ts';
import { requestObjectParams } from '../../request-objects/verify.ts';
import { fetchRequestObject } from '../../request-objects/request-uri.ts';

export async function checkRequestObject(request: AuthorizationRequest, provider: Provider): Promise<void> {
  let value: string | undefined;
  let uri: string | undefined;
  try {
    value = request.params.get('request');
    uri = request.params.get('request_uri');
  } catch (error) {
    throw new UnverifiedAuthorizationRequest('invalid_request', (error as Error).message);
  }
  if (value === undefined && uri === undefined) return;
  // FAULT requestObjectsIgnoredUnadvertised (config/faults.ts, only to prove the harness): the request parameter is dropped, not refused.
  if (value !== undefined && provider.config.faults.requestObjectsIgnoredUnadvertised) {
    const { request: _dropped, ...rest } = request.params.toRecord();
    request.params = Params.from(new URLSearchParams(rest));
    return;
  }
  // FAULT requestUrisIgnoredUnadvertised (config/faults.ts, only to prove the harness): the request_uri parameter is dropped, not refused.
  if (uri !== undefined && value === undefined && provider.config.faults.requestUrisIgnoredUnadvertised) {
    const { request_uri: _dropped, ...rest } = request.params.toRecord();
    request.params = Params.from(new URLSearchParams(rest));
    return;
  }
  const client = request.client!;
  try {
    if (value !== undefined && uri !== undefined) throw new InvalidRequest('request and request_uri must not both be sent (RFC 9101 §5)');
    const jwt = value ?? await fetchRequestObject(uri!, client, provider);
    const params = await requestObjectParams(jwt, client, provider);
    // FAULT requestObjectQueryParamsPreferred (config/faults.ts, only to prove the harness): parameters beside the object override its own.
    if (provider.config.faults.requestObjectQueryParamsPreferred) {
      for (const [name, v] of Object.entries(request.params.toRecord())) if (name !== 'request' && name !== 'request_uri') params[name] = v;
    }
    request.params = Params.from(new URLSearchParams(params));
    request.requestObject = 'verified';
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    request.requestObject = error;
  }
}
