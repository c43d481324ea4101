/** Proofs of the faults in reference-server/config/faults/authorization.ts. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

export const authorizationProofs: FaultProof[] = [
  {
    fault: 'reusableCodes',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/code-reuse-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
  {
    fault: 'prefixRedirectUri',
    flows: flowsUsing.authorizationEndpoint,
    expected: [{
      id: 'authorization-code/authorize/redirect-uri-sharing-only-prefix-registered-one',
      step: 'Redirects user to Authorization Server',
      detail: /expected no redirect to \S+, the browser was sent to \S+\/callback\.attacker\/x with code/,
    }],
  },
  {
    fault: 'ignorePkce',
    flows: flowsUsing.codeExchange,
    expected: [{
      id: 'authorization-code/token/wrong-code-verifier-refused',
      step: 'Exchanges Authorization Code for Access Token',
      detail: /^expected a refusal, got HTTP 200 with an access_token$/,
    }],
  },
];
