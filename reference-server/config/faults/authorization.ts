/** Faults of the authorization endpoint, the code exchange and sign-in (RFC 6749 §3–4.1, RFC 7636, RFC 9700, LDAP sign-in) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const authorizationFaults = {
  reusableCodes: 'authorization codes are never consumed and can be exchanged again (breaks RFC 6749 §4.1.2)',
  prefixRedirectUri: 'a redirect_uri is accepted when it merely starts with a registered one (breaks RFC 9700 §4.1.3)',
  ignorePkce: 'the code_verifier is not compared with the code_challenge: any well-formed verifier is accepted (breaks RFC 7636 §4.6)',
} as const;
