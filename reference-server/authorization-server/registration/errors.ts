/** The errors of dynamic client registration (RFC 7591 §3.2.2), also used by its management (RFC 7592). */
import { OAuthError } from '../errors.ts';

export class InvalidRedirectUri extends OAuthError {
  override name = 'InvalidRedirectUri';
  constructor(description: string) {
    super('invalid_redirect_uri', description);
  }
}

export class InvalidClientMetadata extends OAuthError {
  override name = 'InvalidClientMetadata';
  constructor(description: string) {
    super('invalid_client_metadata', description);
  }
}

/**
 * Open registration past its rate (registration/rate-limits.ts). RFC 7591 §3.2.2 has no code
 * for it: the RFC only says such requests MAY be limited (§3) and leaves how to the server. So
 * the status is RFC 6585 §4's 429 Too Many Requests with Retry-After, and the body keeps the
 * RFC 7591 error shape with temporarily_unavailable (RFC 6749 §4.1.2.1: the server cannot
 * handle the request now), the OAuth code a client already knows to retry later.
 */
export class TooManyRegistrations extends OAuthError {
  override name = 'TooManyRegistrations';
  constructor(description: string, retryAfterSeconds: number) {
    super('temporarily_unavailable', description, 429, { 'Retry-After': String(retryAfterSeconds) });
  }
}
