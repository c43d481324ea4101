/**
 * Named OAuth 2.0 / OpenID Connect errors. Each class carries the RFC error code, the HTTP
 * status its endpoint answers with, and any header the spec requires. Endpoints throw them;
 * the error middleware (http/error-handler.ts) renders them as JSON, and the authorization
 * endpoint redirects them to the client once the client and redirect_uri are verified.
 */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Whether the authorization endpoint may send this error to the client's redirect_uri. */
  readonly redirectable: boolean = true;

  constructor(error: string, description: string, status = 400, headers: Record<string, string> = {}) {
    // RFC 6749 §4.1.2.1, §5.2: error_description holds only %x20-21 / %x23-5B / %x5D-7E (no " and no \).
    super(description.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?'));
    this.error = error;
    this.status = status;
    this.headers = headers;
  }

  get error_description(): string {
    return this.message;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/**
 * Too many failed attempts from this client address (sign-in, client authentication): RFC 6585
 * §4's 429 with Retry-After. OAuth has no code for it (RFC 6749 §5.2's invalid_client would
 * tell a guesser nothing new, and a client could not tell waiting from a wrong secret), so the
 * body carries temporarily_unavailable, the registered code for "try again later".
 */
export class TooManyAttempts extends OAuthError {
  override name = 'TooManyAttempts';
  constructor(description: string, retryAfterSeconds: number) {
    super('temporarily_unavailable', description, 429, { 'Retry-After': String(retryAfterSeconds) });
  }
}

// RFC 6749 §4.1.2.1 and §5.2
export class InvalidRequest extends OAuthError {
  override name = 'InvalidRequest';
  constructor(description = 'the request is malformed') {
    super('invalid_request', description);
  }
}

/**
 * RFC 6749 §5.2: 401, and a WWW-Authenticate header naming the scheme the client used
 * (it MUST be sent when the client authenticated with the Authorization header).
 */
export class InvalidClient extends OAuthError {
  override name = 'InvalidClient';
  constructor(description = 'client authentication failed', scheme = 'Basic') {
    super('invalid_client', description, 401, { 'WWW-Authenticate': `${scheme} realm="nauthera"` });
  }
}

export class InvalidGrant extends OAuthError {
  override name = 'InvalidGrant';
  constructor(description = 'the grant is invalid, expired, revoked or was issued to another client') {
    super('invalid_grant', description);
  }
}

export class UnauthorizedClient extends OAuthError {
  override name = 'UnauthorizedClient';
  constructor(description = 'the client is not allowed to use this grant or response type') {
    super('unauthorized_client', description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  override name = 'UnsupportedGrantType';
  constructor(description = 'the grant_type is not supported') {
    super('unsupported_grant_type', description);
  }
}

export class UnsupportedResponseType extends OAuthError {
  override name = 'UnsupportedResponseType';
  constructor(description = 'the response_type is not supported') {
    super('unsupported_response_type', description);
  }
}

export class InvalidScope extends OAuthError {
  override name = 'InvalidScope';
  constructor(description = 'the requested scope is invalid, unknown or exceeds what was granted') {
    super('invalid_scope', description);
  }
}

export class AccessDenied extends OAuthError {
  override name = 'AccessDenied';
  constructor(description = 'the resource owner or the authorization server denied the request') {
    super('access_denied', description);
  }
}

/** RFC 8707 §2, RFC 8693 §2.2.2: the requested resource or audience is invalid, unknown or not served. */
export class InvalidTarget extends OAuthError {
  override name = 'InvalidTarget';
  constructor(description = 'the authorization server does not issue tokens for the requested target') {
    super('invalid_target', description);
  }
}

// RFC 7009 §2.2.1
export class UnsupportedTokenType extends OAuthError {
  override name = 'UnsupportedTokenType';
  constructor(description = 'the token type is not supported') {
    super('unsupported_token_type', description);
  }
}

// OpenID Connect Core §3.1.2.6
export class LoginRequired extends OAuthError {
  override name = 'LoginRequired';
  constructor(description = 'the end-user must sign in') {
    super('login_required', description);
  }
}

export class ConsentRequired extends OAuthError {
  override name = 'ConsentRequired';
  constructor(description = 'the end-user must consent') {
    super('consent_required', description);
  }
}

export class InteractionRequired extends OAuthError {
  override name = 'InteractionRequired';
  constructor(description = 'the end-user must interact with the authorization server') {
    super('interaction_required', description);
  }
}

export class RequestNotSupported extends OAuthError {
  override name = 'RequestNotSupported';
  constructor(description = 'the request parameter is not supported') {
    super('request_not_supported', description);
  }
}

export class RequestUriNotSupported extends OAuthError {
  override name = 'RequestUriNotSupported';
  constructor(description = 'the request_uri parameter is not supported') {
    super('request_uri_not_supported', description);
  }
}

/** RFC 9101 §6.2, OIDC Core §3.1.2.6: the Request Object is not valid (signature, claims, form). */
export class InvalidRequestObject extends OAuthError {
  override name = 'InvalidRequestObject';
  constructor(description = 'the Request Object is not valid') {
    super('invalid_request_object', description);
  }
}

/** OIDC Core §3.1.2.6: the request_uri returns an error or invalid data (or is not registered for the client). */
export class InvalidRequestUri extends OAuthError {
  override name = 'InvalidRequestUri';
  constructor(description = 'the request_uri could not be used') {
    super('invalid_request_uri', description);
  }
}

/** RFC 6749 §4.1.2.1: the AS cannot handle the request now (e.g. the directory is down). */
export class TemporarilyUnavailable extends OAuthError {
  override name = 'TemporarilyUnavailable';
  constructor(description = 'the authorization server is temporarily unavailable') {
    super('temporarily_unavailable', description, 503);
  }
}

/** RFC 6750 §3.1: the access token is missing, malformed, expired or revoked. */
export class InvalidToken extends OAuthError {
  override name = 'InvalidToken';
  constructor(description = 'the access token is invalid, expired or revoked', challenge = bearerChallenge('invalid_token', description)) {
    super('invalid_token', description, 401, { 'WWW-Authenticate': challenge });
  }
}

/** RFC 6750 §3.1: the token is valid but lacks the scope the resource needs. */
export class InsufficientScope extends OAuthError {
  override name = 'InsufficientScope';
  constructor(scope: string, description = `the access token lacks the scope "${scope}"`) {
    super('insufficient_scope', description, 403, { 'WWW-Authenticate': bearerChallenge('insufficient_scope', description, scope) });
  }
}

/**
 * An authorization request whose client or redirect_uri cannot be verified. RFC 6749 §4.1.2.1:
 * the AS MUST NOT redirect it; it is shown to the user as an error page instead.
 */
export class UnverifiedAuthorizationRequest extends OAuthError {
  override name = 'UnverifiedAuthorizationRequest';
  override readonly redirectable = false;
  constructor(error: string, description: string) {
    super(error, description);
  }
}

/** An endpoint asked with a method it does not serve. */
export class MethodNotAllowed extends OAuthError {
  override name = 'MethodNotAllowed';
  constructor(allowed: string[]) {
    super('invalid_request', `method not allowed; use ${allowed.join(' or ')}`, 405, { Allow: allowed.join(', ') });
  }
}

/** RFC 6750 §3: `Bearer realm="nauthera", error="...", error_description="..."`. */
export function bearerChallenge(error?: string, description?: string, scope?: string): string {
  const parts = ['realm="nauthera"'];
  if (error) parts.push(`error="${error}"`);
  // Quoted-string values: strip characters RFC 6750 §3 does not allow in them.
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '')}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * RFC 9449 §5, §7.1: a DPoP proof that is missing where required, malformed or fails a §4.3
 * check. At the token endpoint a 400; at a resource server a 401 with a DPoP challenge.
 */
export class InvalidDpopProof extends OAuthError {
  override name = 'InvalidDpopProof';
  constructor(description: string, atResource = false) {
    super('invalid_dpop_proof', description, atResource ? 401 : 400, atResource ? { 'WWW-Authenticate': dpopChallenge('invalid_dpop_proof', description) } : {});
  }
}

/** RFC 9449 §8, §9: the proof must carry the nonce handed out in the DPoP-Nonce header. */
export class UseDpopNonce extends OAuthError {
  override name = 'UseDpopNonce';
  constructor(nonce: string, atResource = false) {
    const description = 'the DPoP proof must carry the nonce of the DPoP-Nonce header';
    super('use_dpop_nonce', description, atResource ? 401 : 400, { 'DPoP-Nonce': nonce, ...(atResource ? { 'WWW-Authenticate': dpopChallenge('use_dpop_nonce', description) } : {}) });
  }
}

/** RFC 9449 §7.1: `DPoP error="...", algs="..."` on a resource server's 401. */
export function dpopChallenge(error?: string, description?: string): string {
  const parts = ['algs="ES256 RS256 PS256 EdDSA"'];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '')}"`);
  return `DPoP ${parts.join(', ')}`;
}

/** The error codes the RFCs define, for tests that check every error has an RFC shape. */
export const rfcErrorCodes = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
  'unsupported_response_type', 'invalid_scope', 'access_denied', 'server_error', 'temporarily_unavailable',
  'unsupported_token_type', 'invalid_dpop_proof', 'use_dpop_nonce', 'login_required', 'consent_required', 'interaction_required', 'account_selection_required',
  'request_not_supported', 'request_uri_not_supported', 'invalid_request_uri', 'invalid_request_object',
  'registration_not_supported', 'invalid_token', 'insufficient_scope',
  // RFC 8628 §3.5 (device authorization) and RFC 7591 §3.2.2 (registration).
  'authorization_pending', 'slow_down', 'expired_token', 'invalid_redirect_uri', 'invalid_client_metadata',
  // RFC 8707 §2 (resource indicators at the token endpoint).
  'invalid_target',
]);
