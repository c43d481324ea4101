/** Proofs of the faults in reference-server/config/faults/ldap.ts. */
import type { FaultProof } from '../support/catalogue.ts';

export const ldapProofs: FaultProof[] = [];
