/**
 * The members of provider metadata and the JSON type each must have when present: OpenID
 * Connect Discovery 1.0 §3 and RFC 8414 §2, with the members later RFCs registered (RFC 8628
 * §4, RFC 9126 §5, RFC 9207 §3, RFC 7591 via RFC 8414). One row a member, one check a row.
 */
export type MemberType = 'url' | 'strings' | 'boolean';

export interface MetadataMember {
  name: string;
  type: MemberType;
  spec: string;
}

const oidc = 'OIDC Discovery §3';
const rfc8414 = 'RFC 8414 §2';

export const metadataMembers: MetadataMember[] = [
  { name: 'authorization_endpoint', type: 'url', spec: `${rfc8414}, ${oidc}, RFC 6749 §3.1` },
  { name: 'token_endpoint', type: 'url', spec: `${rfc8414}, ${oidc}, RFC 6749 §3.2` },
  { name: 'userinfo_endpoint', type: 'url', spec: oidc },
  { name: 'jwks_uri', type: 'url', spec: `${rfc8414}, ${oidc}` },
  { name: 'registration_endpoint', type: 'url', spec: `${rfc8414}, ${oidc}` },
  { name: 'revocation_endpoint', type: 'url', spec: rfc8414 },
  { name: 'introspection_endpoint', type: 'url', spec: rfc8414 },
  { name: 'device_authorization_endpoint', type: 'url', spec: 'RFC 8628 §4' },
  { name: 'pushed_authorization_request_endpoint', type: 'url', spec: 'RFC 9126 §5' },
  { name: 'service_documentation', type: 'url', spec: `${rfc8414}, ${oidc}` },
  { name: 'op_policy_uri', type: 'url', spec: `${rfc8414}, ${oidc}` },
  { name: 'op_tos_uri', type: 'url', spec: `${rfc8414}, ${oidc}` },
  { name: 'scopes_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'response_types_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'response_modes_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'grant_types_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'acr_values_supported', type: 'strings', spec: oidc },
  { name: 'subject_types_supported', type: 'strings', spec: oidc },
  { name: 'id_token_signing_alg_values_supported', type: 'strings', spec: oidc },
  { name: 'id_token_encryption_alg_values_supported', type: 'strings', spec: oidc },
  { name: 'id_token_encryption_enc_values_supported', type: 'strings', spec: oidc },
  { name: 'userinfo_signing_alg_values_supported', type: 'strings', spec: oidc },
  { name: 'request_object_signing_alg_values_supported', type: 'strings', spec: oidc },
  { name: 'token_endpoint_auth_methods_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'token_endpoint_auth_signing_alg_values_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'revocation_endpoint_auth_methods_supported', type: 'strings', spec: rfc8414 },
  { name: 'introspection_endpoint_auth_methods_supported', type: 'strings', spec: rfc8414 },
  { name: 'code_challenge_methods_supported', type: 'strings', spec: rfc8414 },
  { name: 'display_values_supported', type: 'strings', spec: oidc },
  { name: 'claim_types_supported', type: 'strings', spec: oidc },
  { name: 'claims_supported', type: 'strings', spec: oidc },
  { name: 'claims_locales_supported', type: 'strings', spec: oidc },
  { name: 'ui_locales_supported', type: 'strings', spec: `${rfc8414}, ${oidc}` },
  { name: 'claims_parameter_supported', type: 'boolean', spec: oidc },
  { name: 'request_parameter_supported', type: 'boolean', spec: oidc },
  { name: 'request_uri_parameter_supported', type: 'boolean', spec: oidc },
  { name: 'require_request_uri_registration', type: 'boolean', spec: oidc },
  { name: 'require_pushed_authorization_requests', type: 'boolean', spec: 'RFC 9126 §5' },
  { name: 'authorization_response_iss_parameter_supported', type: 'boolean', spec: 'RFC 9207 §3' },
];

/** The check key of a member's type check. */
export const memberKey = (m: MetadataMember) => `${m.name.replace(/_/g, '-')}-${m.type === 'url' ? 'is-url' : m.type === 'boolean' ? 'is-boolean' : 'is-string-array'}`;

export const memberCheckName = (m: MetadataMember) => m.type === 'url'
  ? `${m.name}, when present, is an absolute URL without a fragment`
  : m.type === 'boolean'
    ? `${m.name}, when present, is a JSON boolean`
    : `${m.name}, when present, is a JSON array of strings`;

/** What is wrong with a present member's value, or undefined when it has its type. */
export function memberProblem(m: MetadataMember, value: unknown): string | undefined {
  if (m.type === 'boolean') return typeof value === 'boolean' ? undefined : `${m.name} is ${JSON.stringify(value)} (${typeof value}), not true or false`;
  if (m.type === 'strings') {
    if (!Array.isArray(value)) return `${m.name} is ${JSON.stringify(value)}, not a JSON array`;
    const bad = value.filter((v) => typeof v !== 'string' || v === '');
    return bad.length ? `${m.name} holds ${bad.map((v) => JSON.stringify(v)).join(', ')}, not non-empty strings` : undefined;
  }
  if (typeof value !== 'string') return `${m.name} is ${JSON.stringify(value)}, not a URL string`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${m.name} ${JSON.stringify(value)} is not an absolute URL`;
  }
  // RFC 6749 §3.1, §3.2: endpoint URIs MUST NOT include a fragment component.
  if (url.hash || value.includes('#')) return `${m.name} ${JSON.stringify(value)} has a fragment`;
  return undefined;
}

/** Loopback hosts: a local test deployment, where plain http is how IdPs run under test. */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
