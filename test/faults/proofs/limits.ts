/** Proofs of the faults in reference-server/config/faults/limits.ts: without a limit, guessing goes on unchanged. */
import { flowsUsing, type FaultProof } from '../support/catalogue.ts';

export const limitProofs: FaultProof[] = [
  {
    fault: 'signInUnlimited',
    flows: flowsUsing.signIn,
    expected: [{
      id: 'authorization-code/sign-in/password-guessing-limited',
      step: 'Grants Authorization',
      detail: /^\d+ wrong passwords for one username, each refused alike \(HTTP 200, .*\): no sign of a limit on guessing$/,
      status: 'warning',
    }],
  },
  {
    fault: 'clientAuthUnlimited',
    flows: flowsUsing.tokenEndpoint,
    expected: [{
      id: 'client-credentials/authenticate/client-secret-guessing-limited',
      step: 'Authenticate',
      detail: /^\d+ wrong secrets for one client_id, each refused alike \(HTTP 401 invalid_client.*\): no sign of a limit on guessing$/,
      status: 'warning',
    }],
  },
];
