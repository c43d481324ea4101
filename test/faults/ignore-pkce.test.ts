/**
 * Fault ignorePkce: the token endpoint does not compare the code_verifier with the
 * code_challenge (RFC 7636 §4.6). A missing verifier and a PKCE downgrade are still refused,
 * so of authorization-code's PKCE checks only the wrong-verifier one may fail.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('ignorePkce', {
  flows: flowsUsing.codeExchange,
  expected: [{
    id: 'authorization-code/token/wrong-code-verifier-refused',
    step: 'Exchanges Authorization Code for Access Token',
    detail: /^expected a refusal, got HTTP 200 with an access_token$/,
  }],
});
