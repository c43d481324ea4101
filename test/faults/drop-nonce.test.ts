/**
 * Fault dropNonce: ID tokens never carry the nonce (OIDC Core §3.1.3.7 step 11). The switch
 * sits where every ID token is minted, so each flow that sends a nonce catches it with its own
 * check name: openid-connect on the AuthN response, implicit and hybrid on the front-channel
 * ID token (hybrid checks two response types in that step, so its check fails twice).
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

const absent = /^nonce: expected ".+", got nothing \(absent\)$/;

describeBrokenTarget('dropNonce', {
  flows: flowsUsing.idTokens,
  expected: [
    { id: 'openid-connect/authn-response/id-token-nonce-echoed', step: '(3) AuthN Response', detail: absent },
    { id: 'implicit/authorization-response/id-token-nonce-echoed', step: 'Issue access token (via redirect)', detail: absent },
    { id: 'hybrid/authorization-response/id-token-nonce-echoed', step: 'Issue ID token and authorization code', detail: absent, times: 2 },
    // The flow goes on after the front channel: the token endpoint's ID token lacks it too (OIDC Core §2).
    { id: 'hybrid/token-response/id-token-nonce-echoed', step: 'Return access token', detail: absent },
  ],
});
