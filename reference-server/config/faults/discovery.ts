/** Faults of discovery and the JWKS (RFC 8414, OIDC Discovery, RFC 7517, RFC 7518) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const discoveryFaults = {
  jwksPrivateRsaMembers: 'the JWKS publishes an extra RSA key with its private members d, p, q, dp, dq and qi (breaks RFC 7518 §6.3.2, RFC 7517 §9.2)',
  jwksSymmetricKey: 'the JWKS publishes an extra symmetric (oct) key, its secret k included (breaks RFC 7518 §6.4, RFC 7517 §9.2)',
  jwksShortRsaKey: 'the JWKS publishes an extra 1024-bit RSA key (breaks RFC 7518 §3.3)',
  jwksEcKeyWithoutY: 'the JWKS publishes an extra P-256 key without its y coordinate (breaks RFC 7518 §6.2.1)',
  jwksContradictoryKeyOps: 'the JWKS publishes an extra key whose use "sig" and key_ops ["encrypt"] contradict each other (breaks RFC 7517 §4.3)',
  assertionAlgNoneAdvertised: 'token_endpoint_auth_signing_alg_values_supported lists "none" (breaks RFC 8414 §2, OIDC Discovery §3)',
  metadataBooleanAsString: 'claims_parameter_supported is the string "false", not a JSON boolean (breaks OIDC Discovery §3)',
  oauthMetadataOtherIssuer: 'the RFC 8414 document names the issuer with a trailing slash, unlike the OpenID one (breaks RFC 8414 §3.3)',
  metadataUrlWithFragment: 'the metadata names an op_policy_uri with a fragment (breaks OIDC Discovery §3, RFC 8414 §2)',
  metadataArrayAsString: 'ui_locales_supported is the string "en", not a JSON array (breaks OIDC Discovery §3, RFC 8414 §2)',
  jwksDuplicateKid: 'the JWKS publishes two extra EC keys under one kid (breaks RFC 7517 §4.5, a SHOULD: a warning)',
  metadataOtherIssuer: 'the discovery document names the issuer with a trailing slash, not the issuer it was fetched for (breaks OIDC Discovery §4.3, RFC 8414 §3.3)',
} as const;
