/**
 * Sends the authorization response, success or error, to the verified redirect_uri with
 * state (RFC 6749 §4.1.2) and iss (RFC 9207 §2) added to every one.
 */
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import type { AuthorizationRequest } from './request.ts';
import type { OAuthError } from '../errors.ts';
import { responseModes } from './response-modes.ts';

export function respond(ctx: Context, provider: Provider, request: AuthorizationRequest, params: Record<string, string>): void {
  const all: Record<string, string> = { ...params };
  // FAULT stateFormDecoded (config/faults.ts, only to prove the harness): "+" in state comes back as a space.
  if (request.state !== undefined) all.state = provider.config.faults.stateFormDecoded ? request.state.replace(/\+/g, ' ') : request.state;
  // FAULT omitIss (config/faults.ts, only to prove the harness): no iss, though discovery advertises it.
  if (!provider.config.faults.omitIss) all.iss = provider.issuer;
  const mode = Object.hasOwn(responseModes, request.responseMode) ? responseModes[request.responseMode] : responseModes.query;
  mode(ctx, request.redirectUri!, all);
}

const rfc6749Codes = new Set(['invalid_request', 'unauthorized_client', 'unsupported_response_type', 'invalid_scope']);

export function respondWithError(ctx: Context, provider: Provider, request: AuthorizationRequest, error: OAuthError): void {
  // FAULT errorsWithoutState (config/faults.ts, only to prove the harness): no state in the query error responses of RFC 6749 §4.1.2.1's codes.
  const stateless = provider.config.faults.errorsWithoutState && request.responseMode === 'query' && rfc6749Codes.has(error.error);
  respond(ctx, provider, stateless ? { ...request, state: undefined } : request, { error: error.error, error_description: error.message });
}
