/** Faults of the device authorization grant and pushed authorization requests (RFC 8628, RFC 9126) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const deviceAndParFaults = {
} as const;
