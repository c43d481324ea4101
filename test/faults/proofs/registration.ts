/** Proofs of the faults in reference-server/config/faults/registration.ts. */
import type { FaultProof } from '../support/catalogue.ts';

export const registrationProofs: FaultProof[] = [
  {
    // Only registered-app-jwt registers and deletes clients through the API.
    fault: 'keepDeletedClients',
    flows: ['registered-app-jwt'],
    expected: [{
      id: 'registered-app-jwt/register/client-deleted-registration-client-uri-no-longer',
      step: '0. register application',
      detail: /^error: expected "invalid_client", got "invalid_grant" .* with HTTP 400$/,
    }],
  },
];
