/** Faults of the token endpoint's other grants, client authentication, refresh, introspection and revocation (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const tokenFaults = {
  noRefreshRotation: 'a refresh token is not rotated: the same one comes back and stays valid (breaks RFC 9700 §4.14.2)',
  acceptAlgNone: 'an unsigned (alg none) client assertion authenticates a private_key_jwt client (breaks RFC 7523 §3, RFC 8725 §3.1)',
  basicNotFormDecoded: 'the client_id and secret of Basic credentials are used as sent, not form-urldecoded (breaks RFC 6749 §2.3.1)',
  assertionIssIgnored: 'a client assertion whose iss is not the client_id is accepted (breaks RFC 7523 §3)',
  assertionExpIgnored: 'an expired client assertion is accepted (breaks RFC 7523 §3)',
  introspectionWithoutAuthentication: 'a caller presenting no client credentials is answered by the introspection endpoint (breaks RFC 7662 §2.1)',
  cachedIntrospection: 'introspection answers are cached, so a revoked token stays active (breaks RFC 7662 §2.2)',
  revokeOtherClientsTokens: "the revocation endpoint revokes another client's access token (breaks RFC 7009 §2.1)",
  revocationHintNotExtended: 'a revoked token is looked for only as the type its token_type_hint names (breaks RFC 7009 §2.1)',
  expiresInMilliseconds: 'the client_credentials token response states expires_in in milliseconds (breaks RFC 6749 §5.1)',
  clientTokenTypJwt: 'client_credentials JWT access tokens declare typ JWT instead of at+jwt (breaks RFC 9068 §2.1)',
  clientTokenWithoutIat: 'client_credentials JWT access tokens carry no iat (breaks RFC 9068 §2.2)',
  refreshWidensScope: 'a refresh asking for more scope than was granted gets it (breaks RFC 6749 §6)',
  refreshTokenOfAnotherClient: "a refresh token is accepted from a client it was not issued to (breaks RFC 6749 §6)",
  reuseKeepsFamily: 'a reused rotated refresh token is refused but its successor stays valid (breaks RFC 9700 §4.14.2)',
  revokedRefreshTokenUsable: 'a revoked refresh token can still be used (breaks RFC 7009 §2.1)',
} as const;
