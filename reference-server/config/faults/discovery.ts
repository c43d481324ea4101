/** Faults of discovery and the JWKS (RFC 8414, OIDC Discovery, RFC 7517, RFC 7518) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const discoveryFaults = {
} as const;
