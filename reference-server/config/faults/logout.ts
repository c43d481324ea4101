/** Faults of the end-session endpoint and its back-channel logout (OIDC RP-Initiated Logout 1.0, Back-Channel Logout 1.0; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const logoutFaults = {
  postLogoutUriNotChecked: 'any post_logout_redirect_uri is redirected to, registered or not (breaks OIDC RP-Initiated Logout 1.0 §3, §4)',
  logoutStateDropped: 'the post-logout redirection leaves out state (breaks OIDC RP-Initiated Logout 1.0 §2, a warning)',
  logoutKeepsSession: 'the end-session endpoint redirects back but the session stays (breaks OIDC RP-Initiated Logout 1.0 §2, a warning)',
  backChannelLogoutNotSent: 'the end-session endpoint sends no logout token to the clients that registered a backchannel_logout_uri (breaks OIDC Back-Channel Logout 1.0 §2.5, a warning)',
  logoutTokenWithNonce: 'the logout token carries a nonce claim (breaks OIDC Back-Channel Logout 1.0 §2.4: "A nonce Claim MUST NOT be present")',
  logoutTokenWithoutEvents: 'the logout token has no events claim (breaks OIDC Back-Channel Logout 1.0 §2.4: events REQUIRED)',
  logoutTokenWrongAudience: 'the logout token\'s aud is not the client_id (breaks OIDC Back-Channel Logout 1.0 §2.4: aud REQUIRED, §2.6)',
  logoutTokenWithoutSid: 'the logout token leaves out sid although the client registered backchannel_logout_session_required (breaks OIDC Back-Channel Logout 1.0 §2.2, §2.4)',
  logoutTokenForeignKey: 'the logout token is signed by a key that is not in the jwks_uri key set (breaks OIDC Back-Channel Logout 1.0 §2.4, §2.6)',
  logoutTokenTypJwt: 'the logout token\'s typ header is JWT, not logout+jwt (breaks OIDC Back-Channel Logout 1.0 §2.4, a warning)',
  logoutTokenWrongIssuer: 'the logout token\'s iss has a slash appended to the issuer (breaks OIDC Back-Channel Logout 1.0 §2.4: iss REQUIRED, §2.6)',
  logoutTokenWithoutIat: 'the logout token has no iat (breaks OIDC Back-Channel Logout 1.0 §2.4: iat REQUIRED)',
  logoutTokenWithoutJti: 'the logout token has no jti (breaks OIDC Back-Channel Logout 1.0 §2.4: jti REQUIRED)',
  logoutTokenWithoutSubOrSid: 'the logout token has neither sub nor sid (breaks OIDC Back-Channel Logout 1.0 §2.4: "MUST contain either a sub or a sid Claim")',
  logoutTokenOtherSession: 'the logout token\'s sid is not the one of the ID tokens of the session (breaks OIDC Back-Channel Logout 1.0 §2.4, a warning)',
  idTokenWithoutSid: 'ID tokens leave out sid although discovery says backchannel_logout_session_supported (breaks OIDC Back-Channel Logout 1.0 §2.1, a warning)',
} as const;
