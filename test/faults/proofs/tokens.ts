/** Proofs of the faults in reference-server/config/faults/tokens.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

export const tokenProofs: FaultProof[] = [
  {
    fault: 'noRefreshRotation',
    flows: flowsUsing.refreshTokens,
    expected: [{
      id: 'refresh-token/h-new-tokens/refresh-token-rotated-old-one-refused',
      step: '(H) Access Token & Optional Refresh Token',
      detail: /^new refresh_token: expected not "[^"]+", got "[^"]+"$/,
    }],
  },
  {
    fault: 'acceptAlgNone',
    flows: flowsUsing.clientAssertions,
    expected: [{
      id: 'client-credentials/authenticate/client-assertion-signed-alg-none-refused',
      step: 'Authenticate',
      detail: /expected an OAuth error "invalid_client".*got HTTP 200 with a JSON body with access_token/,
    }],
  },
];
