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
      flow: 'authorization-code',
      step: 'Provides Authorization Code',
      check: 'authorization response carries iss (RFC 9207)',
      detail: /^iss: expected "http:\/\/127\.0\.0\.1:\d+", got nothing \(absent\)$/,
    },
    {
      flow: 'registered-app-jwt',
      step: '5. redirect to callback (with access token - JWT)',
      check: 'the resource server serves the resource once the callback is done',
      detail: /refused the callback .*not from the expected issuer \(iss, RFC 9207\)/,
    },
  ],
});
