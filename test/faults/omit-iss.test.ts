/**
 * Fault omitIss: authorization responses carry no iss though the metadata advertises it
 * (RFC 9207 §2). authorization-code's iss check fails. So does registered-app-jwt, and
 * rightly: its sample web app is an RFC 9207 client and refuses the callback (§2.4), so the
 * resource is never served. No other suite checks iss (the fault table of issue 6).
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('omitIss', {
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
});
