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
