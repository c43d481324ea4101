/** Faults of OpenID Connect: ID tokens, UserInfo, implicit and hybrid responses (OIDC Core) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const openIdConnectFaults = {
  dropNonce: 'ID tokens never carry the nonce of the request (breaks OIDC Core §3.1.2.1, §2)',
  omitIss: 'authorization responses carry no iss, though the metadata advertises it (breaks RFC 9207 §2)',
} as const;
