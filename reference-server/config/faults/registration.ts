/** Faults of dynamic registration and client management (RFC 7591, RFC 7592) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const registrationFaults = {
  keepDeletedClients: 'a client deleted at its registration_client_uri keeps authenticating (breaks RFC 7592 §2.3)',
  clientIdIssuedAtMillis: 'client_id_issued_at is given in milliseconds, not seconds (breaks RFC 7591 §3.2.1)',
  secretExpiresAtMissing: 'a registration that issues a client_secret leaves client_secret_expires_at out (breaks RFC 7591 §3.2.1)',
  registeredClientUriDropped: 'a registered client_uri is kept but not returned (breaks RFC 7591 §3.2.1)',
  provisionedAuthMethodNotReturned: 'a token_endpoint_auth_method the server provisioned (the client left it out) is not returned (breaks RFC 7591 §3.2.1)',
  fragmentRedirectUriInvalidRequest: 'a redirect URI with a fragment is refused with invalid_request, not invalid_redirect_uri (breaks RFC 7591 §3.2.2)',
  publicClientWithoutRedirectUris: 'a public client of the code flow may register without redirect_uris (breaks RFC 6749 §3.1.2.2)',
  invalidContactsKept: 'contacts sent as a string, not an array, are registered as sent (breaks RFC 7591 §2)',
  registrationTokenNotBoundToClient: 'any valid registration access token reads, updates and deletes any client (breaks RFC 7592 §2.1)',
  updateNotSaved: 'an update is answered with the new metadata but not stored (breaks RFC 7592 §2.2)',
  updateAcceptsChosenSecret: 'an update may set the client secret to one the client chose (breaks RFC 7592 §2.2)',
} as const;
