/** Faults of registration, client management, discovery, JWKS and the LDAP worker (RFC 7591, 7592, 8414, 7517) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const registrationAndDiscoveryFaults = {
  keepDeletedClients: 'a client deleted at its registration_client_uri keeps authenticating (breaks RFC 7592 §2.3)',
} as const;
