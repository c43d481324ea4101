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
    { flow: 'openid-connect', step: '(3) AuthN Response', check: 'ID token echoes the nonce of the request', detail: absent },
    { flow: 'implicit', step: 'Issue access token (via redirect)', check: 'ID token nonce matches (implicit)', detail: absent },
    { flow: 'hybrid', step: 'Issue ID token and authorization code', check: 'ID token nonce matches (hybrid)', detail: absent, times: 2 },
  ],
});
