/** Faults of the LDAP parts: sign-in, consent groups and the LDAP worker (RFC 4514, RFC 4515) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const ldapFaults = {
} as const;
