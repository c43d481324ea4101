/** Faults of the token endpoint's other grants, client authentication, refresh, introspection and revocation (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const tokenFaults = {
  noRefreshRotation: 'a refresh token is not rotated: the same one comes back and stays valid (breaks RFC 9700 §4.14.2)',
  acceptAlgNone: 'an unsigned (alg none) client assertion authenticates a private_key_jwt client (breaks RFC 7523 §3, RFC 8725 §3.1)',
} as const;
