/** Proofs of the faults in reference-server/config/faults/tokens.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

export const tokenProofs: FaultProof[] = [
  {
    fault: 'noRefreshRotation',
    flows: flowsUsing.refreshTokens,
    expected: [{
      id: 'refresh-token/h-new-tokens/refresh-token-rotated-old-one-refused',
      step: '(H) Access Token & Optional Refresh Token',
      detail: /^new refresh_token: expected not "[^"]+", got "[^"]+"$/,
    }],
  },
  {
    fault: 'acceptAlgNone',
    flows: flowsUsing.clientAssertions,
    expected: [{
      id: 'client-credentials/authenticate/client-assertion-signed-alg-none-refused',
      step: 'Authenticate',
      detail: /expected an OAuth error "invalid_client".*got HTTP 200 with a JSON body with access_token/,
    }],
  },
  {
    fault: 'basicNotFormDecoded',
    flows: ['client-credentials'],
    expected: [{
      id: 'client-credentials/authenticate/basic-credentials-form-urlencoded-accepted',
      step: 'Authenticate',
      detail: /expected 200, got 401 with error "invalid_client"/,
    }],
  },
  {
    fault: 'assertionIssIgnored',
    flows: flowsUsing.clientAssertions,
    expected: [{
      id: 'client-credentials/authenticate/client-assertion-iss-not-client-id-refused',
      step: 'Authenticate',
      detail: /expected an OAuth error "invalid_client".*got HTTP 200 with a JSON body with access_token/,
    }],
  },
  {
    fault: 'assertionExpIgnored',
    flows: flowsUsing.clientAssertions,
    expected: [{
      id: 'client-credentials/authenticate/client-assertion-expired-refused',
      step: 'Authenticate',
      detail: /expected an OAuth error "invalid_client".*got HTTP 200 with a JSON body with access_token/,
    }],
  },
  {
    fault: 'introspectionWithoutAuthentication',
    flows: ['client-credentials'],
    expected: [{
      id: 'client-credentials/token-response/introspection-requires-client-authentication',
      step: 'Issue access token',
      detail: /^an unauthenticated caller was told the token is active \(HTTP 200, members active, /,
    }],
  },
  {
    fault: 'cachedIntrospection',
    flows: ['client-credentials', 'refresh-token'],
    expected: [{
      id: 'client-credentials/token-response/revoked-token-introspected-active-false',
      step: 'Issue access token',
      detail: /active after revocation: expected false, got true/,
    }],
  },
  {
    fault: 'revokeOtherClientsTokens',
    flows: ['client-credentials', 'refresh-token'],
    expected: [{
      id: 'client-credentials/token-response/revocation-by-another-client-not-revoked',
      step: 'Issue access token',
      detail: /asked to revoke it \(HTTP 200\), and the token is no longer active at introspection/,
    }],
  },
  {
    fault: 'revocationHintNotExtended',
    flows: ['client-credentials', 'refresh-token'],
    expected: [{
      id: 'client-credentials/token-response/revocation-wrong-hint-token-still-revoked',
      step: 'Issue access token',
      detail: /revoked with token_type_hint refresh_token \(HTTP 200\), but the token is still active at introspection/,
    }],
  },
  {
    fault: 'expiresInMilliseconds',
    flows: ['client-credentials'],
    expected: [{
      id: 'client-credentials/token-response/expires-in-agrees-with-exp',
      step: 'Issue access token',
      detail: /^expires_in \d+000 says the token expires at \d+, its exp says \d+/,
    }, {
      id: 'client-credentials/token-response/introspection-exp-agrees-expires-in',
      step: 'Issue access token',
      detail: /^expires_in \d+000 says the token expires near \d+, introspection says exp \d+/,
    }],
  },
  {
    fault: 'clientTokenTypJwt',
    flows: ['client-credentials'],
    expected: [{
      id: 'client-credentials/token-response/jwt-access-token-typ-at-jwt',
      step: 'Issue access token',
      detail: /typ header: expected one of .*got "jwt"/,
    }],
  },
  {
    fault: 'clientTokenWithoutIat',
    flows: ['client-credentials'],
    expected: [{
      id: 'client-credentials/token-response/jwt-access-token-iat-not-future',
      step: 'Issue access token',
      detail: /^iat: expected a NumericDate, got undefined$/,
    }],
  },
  // Only the refresh-token flow presents a refresh token with a scope, from another client, after its
  // revocation or after its rotation: the four faults below act nowhere else.
  {
    fault: 'refreshWidensScope',
    flows: ['refresh-token'],
    expected: [{
      id: 'refresh-token/g-refresh/scope-widening-refresh-refused-invalid-scope',
      step: '(G) Refresh Token',
      detail: /^the refreshed grant holds \S+, which the original "[^"]+" did not$/,
    }],
  },
  {
    fault: 'refreshTokenOfAnotherClient',
    flows: ['refresh-token'],
    expected: [{
      id: 'refresh-token/g-refresh/refresh-token-presented-another-client-refused-invalid',
      step: '(G) Refresh Token',
      detail: /expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token/,
    }],
  },
  {
    fault: 'reuseKeepsFamily',
    flows: ['refresh-token'],
    expected: [{
      id: 'refresh-token/h-new-tokens/rotated-refresh-token-reuse-revokes-successor',
      step: '(H) Access Token & Optional Refresh Token',
      detail: /expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token/,
    }],
  },
  {
    fault: 'revokedRefreshTokenUsable',
    flows: ['refresh-token'],
    expected: [{
      id: 'refresh-token/g-refresh/revoked-refresh-token-refused-invalid-grant',
      step: '(G) Refresh Token',
      detail: /expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token/,
    }],
  },
];
