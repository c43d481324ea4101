/** Proofs of the faults in reference-server/config/faults/device-and-par.ts. */
import type { FaultProof } from '../support/catalogue.ts';

export const deviceAndParProofs: FaultProof[] = [];
