/** Faults of DPoP (RFC 9449; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const dpopFaults = {
  dpopTokenTypeBearer: 'a token issued with a DPoP proof has token_type Bearer (breaks RFC 9449 §5)',
  dpopNoCnf: 'a DPoP-bound JWT access token has no cnf.jkt, nor its introspection (breaks RFC 9449 §6)',
  dpopReplayAccepted: "a DPoP proof's jti is not remembered, so a replayed proof is accepted at the token endpoint (breaks RFC 9449 §11.1, §4.3)",
  dpopHtmIgnored: 'the token endpoint does not compare a DPoP proof\'s htm with the request method (breaks RFC 9449 §4.3)',
  dpopHtuIgnored: 'the token endpoint does not compare a DPoP proof\'s htu with its URI (breaks RFC 9449 §4.3)',
  dpopIatIgnored: "the token endpoint accepts a DPoP proof whatever its iat (breaks RFC 9449 §4.3, §11.1)",
  dpopRefreshUnbound: "a public client's refresh token is not bound to the DPoP key: a refresh with another key is accepted (breaks RFC 9449 §5)",
} as const;
