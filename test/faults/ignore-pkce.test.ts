/**
 * Fault ignorePkce: the token endpoint does not compare the code_verifier with the
 * code_challenge (RFC 7636 §4.6). A missing verifier and a PKCE downgrade are still refused,
 * so of authorization-code's PKCE checks only the wrong-verifier one may fail.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('ignorePkce', {
  flows: flowsUsing.codeExchange,
  expected: [{
    flow: 'authorization-code',
    step: 'Exchanges Authorization Code for Access Token',
    check: 'wrong PKCE code_verifier is refused with invalid_grant',
    detail: /expected an OAuth error "invalid_grant".*got HTTP 200 with a JSON body with access_token/,
  }],
});
