/** Faults of the protected resource's metadata and of resource indicators (RFC 9728, RFC 8707; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const protectedResourceFaults = {
  resourceMetadataNotAdvertised: "the resource server's 401 has no resource_metadata parameter (breaks RFC 9728 §5.1 as the MCP authorization specification requires it)",
  resourceMetadataOtherResource: 'the protected resource metadata names the origin, not the resource whose well-known URL it was read from (breaks RFC 9728 §3.3)',
  resourceMetadataWithoutAuthorizationServers: 'the protected resource metadata has no authorization_servers (breaks the MCP authorization specification, RFC 9728 §2)',
  tokenlessRequestForbidden: 'the resource server answers a request without a token 403, not 401, its challenge kept (breaks the MCP authorization specification, which answers a missing token 401; RFC 6750 §3.1 makes it a SHOULD: a warning elsewhere)',
  resourceMetadataNotJson: 'the protected resource metadata is served as text/plain, its body still JSON (breaks RFC 9728 §3.2)',
  protectedResourceRefusedAtAuthorize: 'every authorization request naming a resource is refused with invalid_target, the protected resource its metadata lists too (breaks RFC 8707 §2 as the MCP authorization specification requires it)',
  resourceRefusedAtCodeExchange: 'the code exchange naming the resource of its authorization request is refused with invalid_target (breaks RFC 8707 §2.2)',
  protectedResourceAudienceRefused: 'the resource server takes only its configured audience and refuses a token minted for the protected resource URL its own metadata names (breaks RFC 8707 §2, RFC 9728 §2)',
  pkceMethodsNotAdvertised: 'the metadata has no code_challenge_methods_supported, though S256 is taken (breaks the MCP authorization specification; RFC 9700 §2.1.1 recommends it: a warning elsewhere)',
  unknownResourceAccepted: 'an authorization request for a resource the AS does not serve is not refused (breaks RFC 8707 §2, a warning)',
  resourceIndicatorIgnored: "the access token's aud ignores the resource of the request (breaks RFC 8707 §2, a warning)",
  audienceNotChecked: "the resource server accepts an access token whose aud does not name it (breaks RFC 9068 §4 and the MCP authorization specification)",
} as const;
