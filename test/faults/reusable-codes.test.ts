/**
 * Fault reusableCodes: the code grant never consumes a code (RFC 6749 §4.1.2). Only
 * authorization-code presents a code twice, so only its reuse check may fail; every other
 * flow that exchanges codes must pass untouched.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('reusableCodes', {
  flows: flowsUsing.codeExchange,
  expected: [{
    id: 'authorization-code/token/code-reuse-refused',
    step: 'Exchanges Authorization Code for Access Token',
    detail: /^expected a refusal, got HTTP 200 with an access_token$/,
  }],
});
