/** Proofs of the faults in reference-server/config/faults/openid-connect.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

const absentNonce = /^nonce: expected ".+", got nothing \(absent\)$/;

export const openIdConnectProofs: FaultProof[] = [
  {
    fault: 'dropNonce',
    flows: flowsUsing.idTokens,
    expected: [
      { id: 'openid-connect/authn-response/id-token-nonce-echoed', step: '(3) AuthN Response', detail: absentNonce },
      { id: 'implicit/authorization-response/id-token-nonce-echoed', step: 'Issue access token (via redirect)', detail: absentNonce },
      { id: 'hybrid/authorization-response/id-token-nonce-echoed', step: 'Issue ID token and authorization code', detail: absentNonce, times: 2 },
      // The flow goes on after the front channel: the token endpoint's ID token lacks it too (OIDC Core §2).
      { id: 'hybrid/token-response/id-token-nonce-echoed', step: 'Return access token', detail: absentNonce },
    ],
  },
  {
    // The sample web app of registered-app-jwt is an RFC 9207 client and refuses the callback
    // (§2.4), so its resource is never served: rightly a second failure.
    fault: 'omitIss',
    flows: flowsUsing.authorizationEndpoint,
    expected: [
      {
        id: 'authorization-code/authorization-response/authorization-response-carries-iss-rfc-9207',
        step: 'Provides Authorization Code',
        detail: /^iss: expected "http:\/\/127\.0\.0\.1:\d+", got nothing \(absent\)$/,
      },
      {
        id: 'registered-app-jwt/resource/resource-server-serves-resource-once-callback-done',
        step: '5. redirect to callback (with access token - JWT)',
        detail: /refused the callback .*not from the expected issuer \(iss, RFC 9207\)/,
      },
    ],
  },
];
