/**
 * An authorization request as the checks build it up: each check reads its parameters and
 * fills in its fields, or throws a named error.
 */
import type { Client } from '../clients.ts';
import type { Params } from '../http/params.ts';

export interface AuthorizationRequest {
  params: Params;
  client?: Client;
  redirectUri?: string;
  /** Whether redirect_uri was sent (RFC 6749 §4.1.3: then /token requires the same value). */
  redirectUriSent: boolean;
  /** Canonical response_type: its space-separated values in a fixed order. */
  responseType?: string;
  /** How the response is returned (query, fragment); set before any error is redirected. */
  responseMode: string;
  state?: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
  prompt: Set<string>;
  maxAge?: number;
  loginHint?: string;
  /** RFC 8707 §2: the resource the token is for (check-resource.ts). */
  resource?: string;
  /** The parameters came from a pushed authorization request (RFC 9126; check-pushed-request.ts). */
  pushed?: boolean;
  /** The parameters came from a redeemed PAR request_uri (checked when they were pushed). */
  redeemedPushedRequest?: boolean;
  /** A Request Object (RFC 9101) was verified and its parameters replaced the query's, or the error that refused it. */
  requestObject?: 'verified' | Error;
  /** Resumed after sign-in or consent: the parameters were checked when the request arrived. */
  resumed?: boolean;
}

/** A request whose client, redirect_uri and response_type passed their checks. */
export type VerifiedRequest = AuthorizationRequest & { client: Client; redirectUri: string; responseType: string };

export function newAuthorizationRequest(params: Params): AuthorizationRequest {
  return { params, redirectUriSent: false, responseMode: 'query', scopes: [], prompt: new Set() };
}

export function verified(request: AuthorizationRequest): VerifiedRequest {
  if (!request.client || !request.redirectUri || !request.responseType) throw new Error('authorization request used before its checks ran');
  return request as VerifiedRequest;
}
