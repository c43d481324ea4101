/**
 * Fault acceptAlgNone: an unsigned client assertion authenticates a private_key_jwt client
 * (RFC 7523 §3, RFC 8725 §3.1). Only client-credentials authenticates with assertions (the
 * service-jwt client); every other flow uses secrets or public clients.
 */
import { describeBrokenTarget, flowsUsing } from './support/broken-target.ts';

describeBrokenTarget('acceptAlgNone', {
  flows: flowsUsing.clientAssertions,
  expected: [{
    id: 'client-credentials/authenticate/client-assertion-signed-alg-none-refused',
    step: 'Authenticate',
    detail: /expected an OAuth error "invalid_client".*got HTTP 200 with a JSON body with access_token/,
  }],
});
