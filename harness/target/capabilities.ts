/**
 * What a target offers, read from its metadata with the defaults the specs give for
 * absent fields, so a suite never mistakes "not advertised" for "not supported" silently.
 */
import type { Capabilities, ServerMetadata } from './model.ts';

const list = (v: unknown, fallback: string[] = []): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : fallback;

export function capabilitiesOf(metadata: ServerMetadata, options: { openid?: boolean } = {}): Capabilities {
  const responseTypes = list(metadata.response_types_supported);
  const scopes = list(metadata.scopes_supported);
  return {
    // RFC 8414 §2 and OIDC Discovery §3: default ["authorization_code", "implicit"].
    grantTypes: list(metadata.grant_types_supported, ['authorization_code', 'implicit']),
    responseTypes,
    // RFC 8414 §2: default ["query", "fragment"].
    responseModes: list(metadata.response_modes_supported, ['query', 'fragment']),
    codeChallengeMethods: list(metadata.code_challenge_methods_supported),
    // RFC 8414 §2: default client_secret_basic.
    tokenEndpointAuthMethods: list(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic']),
    scopes,
    idTokenSigningAlgs: list(metadata.id_token_signing_alg_values_supported),
    openid: options.openid ?? (scopes.includes('openid') || responseTypes.some((t) => t.split(' ').includes('id_token'))),
    par: typeof metadata.pushed_authorization_request_endpoint === 'string',
    requirePar: metadata.require_pushed_authorization_requests === true,
    deviceAuthorization: typeof metadata.device_authorization_endpoint === 'string',
    registration: typeof metadata.registration_endpoint === 'string',
    userinfo: typeof metadata.userinfo_endpoint === 'string',
    revocation: typeof metadata.revocation_endpoint === 'string',
    introspection: typeof metadata.introspection_endpoint === 'string',
    issParameter: metadata.authorization_response_iss_parameter_supported === true,
  };
}

/** Response types compare as sets of words: "id_token code" is "code id_token" (OAuth 2.0 Multiple Response Types §3). */
export function sameResponseType(a: string, b: string): boolean {
  const norm = (s: string) => s.split(/\s+/).filter(Boolean).sort().join(' ');
  return norm(a) === norm(b);
}

export function supportsResponseType(capabilities: Capabilities, responseType: string): boolean {
  return capabilities.responseTypes.some((t) => sameResponseType(t, responseType));
}
