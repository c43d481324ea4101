/**
 * Fault prefixRedirectUri: /authorize (and /par) accept a redirect_uri that merely starts
 * with a registered one (RFC 9700 §4.1.3). The exact-match attacks of other suites use URIs
 * that share no prefix, so only authorization-code's prefix check may fail.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('prefixRedirectUri', {
  flows: flowsUsing.authorizationEndpoint,
  expected: [{
    flow: 'authorization-code',
    step: 'Redirects user to Authorization Server',
    check: 'redirect_uri sharing only a prefix with a registered one is refused',
    detail: /expected no redirect, the browser was sent to \S+\/callback\.attacker\/x with code/,
  }],
});
