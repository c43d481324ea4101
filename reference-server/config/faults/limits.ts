/** Faults of the brute-force limits (authorization-server/limits/, see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const limitFaults = {
  signInUnlimited: 'wrong passwords at the sign-in form are never limited: a guesser may try forever (breaks RFC 6749 §10.10)',
  clientAuthUnlimited: 'failed client authentications are never limited: a client secret may be guessed forever (breaks RFC 6749 §2.3.1, §10.10)',
} as const;
