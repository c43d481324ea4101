/** Proofs of the faults in reference-server/config/faults/discovery.ts. */
import type { FaultProof } from '../support/catalogue.ts';

export const discoveryProofs: FaultProof[] = [];
