/**
 * Fault reusableCodes: the code grant never consumes a code (RFC 6749 §4.1.2). Only
 * authorization-code presents a code twice, so only its reuse check may fail; every other
 * flow that exchanges codes must pass untouched.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('reusableCodes', {
  flows: flowsUsing.codeExchange,
  expected: [{
    flow: 'authorization-code',
    step: 'Exchanges Authorization Code for Access Token',
    check: 'authorization code reuse is refused with invalid_grant',
    detail: /expected an OAuth error "invalid_grant".*got HTTP 200 with a JSON body with access_token/,
  }],
});
