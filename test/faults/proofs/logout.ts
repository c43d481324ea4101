/** Proofs of the faults in reference-server/config/faults/logout.ts: each fails (or warns) its check of the logout flow, on its arrow. */
import type { FaultProof } from '../support/catalogue.ts';

const flows = ['logout'] as const;

export const logoutProofs: FaultProof[] = [
  {
    fault: 'postLogoutUriNotChecked',
    flows,
    expected: [{
      id: 'logout/unregistered-logout-redirect/unregistered-post-logout-uri-not-redirected',
      step: 'Sends the user to log out with an unregistered post_logout_redirect_uri',
      detail: /^expected no redirect to \S+nauthera-unregistered-[\w-]+, the browser was sent to/,
    }],
  },
  {
    fault: 'logoutStateDropped',
    flows,
    expected: [{
      id: 'logout/post-logout-redirect/post-logout-redirect-with-state',
      step: 'Redirects to the post_logout_redirect_uri with state',
      detail: /^state: the value sent did not come back/,
      status: 'warning',
    }],
  },
  {
    fault: 'logoutKeepsSession',
    flows,
    expected: [{
      id: 'logout/session-ended/session-ended',
      step: 'Asks again with prompt=none',
      detail: /^after the logout, prompt=none got a response with code/,
      status: 'warning',
    }],
  },
  {
    fault: 'backChannelLogoutNotSent',
    flows,
    // Without a logout token, no check of one runs: it would hide every other logout-token fault.
    alone: true,
    expected: [{
      id: 'logout/back-channel-logout/logout-token-delivered',
      step: "POSTs a logout_token to the second client's backchannel_logout_uri",
      detail: /^no request reached the backchannel_logout_uri within 10 s/,
      status: 'warning',
    }],
  },
  {
    fault: 'logoutTokenWithNonce',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-no-nonce', step: 'Validates the logout token with the jwks_uri keys', detail: /^the logout token has a nonce claim/ }],
  },
  {
    fault: 'logoutTokenWithoutEvents',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-events', step: 'Validates the logout token with the jwks_uri keys', detail: /^events: expected a JSON object, got no events claim/ }],
  },
  {
    fault: 'logoutTokenWrongAudience',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-aud', step: 'Validates the logout token with the jwks_uri keys', detail: /^aud: expected .*contain/ }],
  },
  {
    fault: 'logoutTokenForeignKey',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-signed', step: 'Validates the logout token with the jwks_uri keys', detail: /^the signature does not verify with the jwks_uri keys/ }],
  },
  {
    fault: 'logoutTokenWithoutSid',
    flows,
    group: 'back-channel-sid',
    expected: [{
      id: 'logout/logout-token/logout-token-sid-when-required',
      step: 'Validates the logout token with the jwks_uri keys',
      detail: /^the logout token has no sid although the client registered backchannel_logout_session_required/,
      status: 'warning',
    }],
  },
  {
    fault: 'logoutTokenTypJwt',
    flows,
    expected: [{
      id: 'logout/logout-token/logout-token-typ',
      step: 'Validates the logout token with the jwks_uri keys',
      detail: /^typ header: expected logout\+jwt, got "JWT"/,
      status: 'warning',
    }],
  },
  {
    fault: 'idTokenWithoutSid',
    flows,
    group: 'back-channel-sid',
    expected: [{
      id: 'logout/back-channel-sign-in/id-token-carries-sid',
      step: 'Approves the second client in the same session, which gets an ID token',
      detail: /^the ID token has no sid claim although discovery says backchannel_logout_session_supported/,
      status: 'warning',
    }],
  },
  {
    fault: 'logoutTokenWrongIssuer',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-iss', step: 'Validates the logout token with the jwks_uri keys', detail: /^iss: expected "http:\/\/[^"]+", got "http:\/\/[^"]+\/"/ }],
  },
  {
    fault: 'logoutTokenWithoutIat',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-iat', step: 'Validates the logout token with the jwks_uri keys', detail: /^iat: expected a number/ }],
  },
  {
    fault: 'logoutTokenWithoutExp',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-exp', step: 'Validates the logout token with the jwks_uri keys', detail: /^exp: expected a number, got no exp claim/ }],
  },
  {
    fault: 'logoutTokenWithoutJti',
    flows,
    expected: [{ id: 'logout/logout-token/logout-token-jti', step: 'Validates the logout token with the jwks_uri keys', detail: /^jti: expected a non-empty string/ }],
  },
  {
    fault: 'logoutTokenWithoutSubOrSid',
    flows,
    group: 'back-channel-sid',
    expected: [
      { id: 'logout/logout-token/logout-token-sub-or-sid', step: 'Validates the logout token with the jwks_uri keys', detail: /^sub or sid present: expected true, got false/ },
      // Without sid, the client's backchannel_logout_session_required is not met either.
      { id: 'logout/logout-token/logout-token-sid-when-required', step: 'Validates the logout token with the jwks_uri keys', detail: /^the logout token has no sid/, status: 'warning' },
    ],
  },
  {
    fault: 'logoutTokenOtherSession',
    flows,
    group: 'back-channel-sid',
    expected: [{
      id: 'logout/logout-token/logout-token-names-the-session',
      step: 'Validates the logout token with the jwks_uri keys',
      detail: /^sid: the logout token's sid is not the ID token's/,
      status: 'warning',
    }],
  },
];
