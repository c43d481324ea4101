/** Faults of the protected resource's metadata and of resource indicators (RFC 9728, RFC 8707; see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const protectedResourceFaults = {
  resourceMetadataNotAdvertised: "the resource server's 401 has no resource_metadata parameter (breaks RFC 9728 §5.1 as the MCP authorization specification requires it)",
  resourceMetadataOtherResource: 'the protected resource metadata names the origin, not the resource whose well-known URL it was read from (breaks RFC 9728 §3.3)',
  resourceMetadataWithoutAuthorizationServers: 'the protected resource metadata has no authorization_servers (breaks the MCP authorization specification, RFC 9728 §2)',
  unknownResourceAccepted: 'an authorization request for a resource the AS does not serve is not refused (breaks RFC 8707 §2, a warning)',
  resourceIndicatorIgnored: "the access token's aud ignores the resource of the request (breaks RFC 8707 §2, a warning)",
  audienceNotChecked: "the resource server accepts an access token whose aud does not name it (breaks RFC 9068 §4 and the MCP authorization specification)",
} as const;
