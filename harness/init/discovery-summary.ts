/**
 * What `nauthera init` prints about an IdP: what its discovery document offers (RFC 8414 §2,
 * OIDC Discovery §3, with the defaults the specs give for absent members) and which of
 * nauthera's flows that lets run.
 */
import type { Capabilities, ServerMetadata } from '../target/model.ts';
import { supportsResponseType } from '../target/capabilities.ts';

export interface FlowCoverage {
  flow: string;
  /** The flow can run against this IdP, given the clients init writes. */
  covered: boolean;
  /** Why not, or what it still needs from the config. */
  note?: string;
}

const hybridTypes = ['code id_token', 'code token', 'code id_token token'];

/** Which flows the offer covers, one entry per flow id nauthera knows (in the order given). */
export function flowCoverage(flows: string[], caps: Capabilities): FlowCoverage[] {
  const grant = (g: string) => caps.grantTypes.includes(g);
  const rule: Record<string, () => FlowCoverage['note'] | true> = {
    discovery: () => true,
    'authorization-code': () => (grant('authorization_code') && supportsResponseType(caps, 'code')) || 'no authorization_code grant with response type code',
    'openid-connect': () => caps.openid || 'not an OpenID Provider (no openid scope, no id_token response)',
    'refresh-token': () => grant('refresh_token') || 'refresh_token is not in grant_types_supported',
    'client-credentials': () => grant('client_credentials') || 'client_credentials is not in grant_types_supported',
    'device-code': () => (caps.deviceAuthorization && grant('urn:ietf:params:oauth:grant-type:device_code')) || 'no device_authorization_endpoint or device_code grant',
    'pushed-authorization': () => caps.par || 'no pushed_authorization_request_endpoint',
    implicit: () => (grant('implicit') && (supportsResponseType(caps, 'id_token') || supportsResponseType(caps, 'token') || supportsResponseType(caps, 'id_token token'))) || 'no implicit grant with an id_token or token response type',
    hybrid: () => hybridTypes.some((t) => supportsResponseType(caps, t)) || 'no hybrid response type (code id_token, code token, code id_token token)',
    'registered-app-jwt': () => caps.registration || 'no registration_endpoint',
    'authorization-code-ldap-consent': () => 'needs the directory behind the IdP: fill "ldap" in the config',
    'ldap-worker': () => 'needs the directory behind the IdP: fill "ldap" in the config',
  };
  return flows.map((flow) => {
    const verdict = rule[flow]?.() ?? 'a flow init does not know: see its suite';
    return verdict === true ? { flow, covered: true } : { flow, covered: false, note: verdict };
  });
}

const show = (values: string[]) => (values.length ? values.join(', ') : '(none)');

/** The summary lines: endpoints, what each *_supported list holds, registration. */
export function offerSummary(metadata: ServerMetadata, caps: Capabilities, discoveryUrl: string): string[] {
  const endpoints = Object.entries(metadata)
    .filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string')
    .map(([key, value]) => `    ${key.padEnd(40)} ${String(value)}`);
  return [
    `issuer ${metadata.issuer} (discovery: ${discoveryUrl}${caps.openid ? ', an OpenID Provider' : ''})`,
    '  endpoints:',
    ...endpoints,
    `  grant types:          ${show(caps.grantTypes)}`,
    `  response types:       ${show(caps.responseTypes)}`,
    `  response modes:       ${show(caps.responseModes)}`,
    `  PKCE methods:         ${show(caps.codeChallengeMethods)}`,
    `  token auth methods:   ${show(caps.tokenEndpointAuthMethods)}`,
    `  scopes:               ${show(caps.scopes)}`,
    `  dynamic registration: ${caps.registration ? `yes (${metadata.registration_endpoint})` : 'no'}`,
  ];
}

export function coverageLines(coverage: FlowCoverage[]): string[] {
  const width = Math.max(...coverage.map((c) => c.flow.length));
  return coverage.map((c) => (c.note ? `  – ${c.flow.padEnd(width)}  ${c.note}` : `  ✓ ${c.flow}`));
}
