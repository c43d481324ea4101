/**
 * The polling errors of the device authorization grant (RFC 8628 §3.5), answered by the
 * token endpoint while the user has not finished at the verification page. access_denied is
 * the core's AccessDenied.
 */
import { OAuthError } from '../errors.ts';

export class AuthorizationPending extends OAuthError {
  override name = 'AuthorizationPending';
  constructor(description = 'the user has not yet completed the verification; keep polling') {
    super('authorization_pending', description);
  }
}

/** The client polled faster than the interval; it MUST add 5 seconds to it (§3.5). */
export class SlowDown extends OAuthError {
  override name = 'SlowDown';
  constructor(interval: number) {
    super('slow_down', `polling too fast; wait at least ${interval} seconds between requests`);
  }
}

export class ExpiredToken extends OAuthError {
  override name = 'ExpiredToken';
  constructor(description = 'the device_code has expired; start a new device authorization request') {
    super('expired_token', description);
  }
}
