/**
 * Fault prefixRedirectUri: /authorize (and /par) accept a redirect_uri that merely starts
 * with a registered one (RFC 9700 §4.1.3). The exact-match attacks of other suites use URIs
 * that share no prefix, so only authorization-code's prefix check may fail.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('prefixRedirectUri', {
  flows: flowsUsing.authorizationEndpoint,
  expected: [{
    id: 'authorization-code/authorize/redirect-uri-sharing-only-prefix-registered-one',
    step: 'Redirects user to Authorization Server',
    detail: /expected no redirect to \S+, the browser was sent to \S+\/callback\.attacker\/x with code/,
  }],
});
