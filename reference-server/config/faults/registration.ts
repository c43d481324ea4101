/** Faults of dynamic registration and client management (RFC 7591, RFC 7592) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const registrationFaults = {
  keepDeletedClients: 'a client deleted at its registration_client_uri keeps authenticating (breaks RFC 7592 §2.3)',
} as const;
