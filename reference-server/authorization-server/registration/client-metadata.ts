/**
 * Client metadata of a registration (RFC 7591 §2) or an update (RFC 7592 §2.2), checked and
 * turned into the same ClientConfig a config file holds. Pure: what the server supports comes
 * in as `supported`. Unknown fields are ignored (§2); a known field with a bad value is
 * invalid_client_metadata, a bad redirect URI invalid_redirect_uri (§3.2.2).
 *
 * Defaults (§2): token_endpoint_auth_method client_secret_basic, grant_types
 * [authorization_code], response_types [code] when the grant types include authorization_code
 * (else none). Implicit response types are never a default (RFC 9700 §2.1.2); a client asks
 * for them together with the implicit grant type (§2.1 keeps the two consistent).
 */
import type { JWK } from 'jose';
import type { ClientConfig, SigningAlg, TokenEndpointAuthMethod } from '../../config/types.ts';
import { InvalidClientMetadata, InvalidRedirectUri } from './errors.ts';
import { InvalidRequest } from '../errors.ts';
import { canonicalResponseType } from '../authorize/response-types.ts';
import type { FaultsConfig } from '../../config/faults.ts';

export interface SupportedMetadata {
  grantTypes: string[];
  /** Canonical response types (values in the order code, id_token, token). */
  responseTypes: string[];
  authMethods: TokenEndpointAuthMethod[];
  scopes: string[];
  signingAlgs: SigningAlg[];
}

/** The metadata as registered: what the server echoes back (§3.2.1) and serves at RFC 7592 read. */
export type RegisteredMetadata = Record<string, unknown> & {
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
};

const urlFields = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
const textFields = ['client_name', 'software_id', 'software_version'] as const;
const privateJwkMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

export function checkClientMetadata(input: Record<string, unknown>, clientId: string, supported: SupportedMetadata, faults: FaultsConfig = {}): { config: ClientConfig; metadata: RegisteredMetadata } {
  const authMethod = (input.token_endpoint_auth_method ?? 'client_secret_basic') as TokenEndpointAuthMethod;
  if (typeof authMethod !== 'string' || !supported.authMethods.includes(authMethod)) {
    throw new InvalidClientMetadata(`token_endpoint_auth_method must be one of ${supported.authMethods.join(', ')}`);
  }
  const grantTypes = stringList(input.grant_types, 'grant_types') ?? ['authorization_code'];
  for (const g of grantTypes) if (!supported.grantTypes.includes(g)) throw new InvalidClientMetadata(`grant_types: "${g.slice(0, 100)}" is not supported`);
  const responseTypes = (stringList(input.response_types, 'response_types') ?? (grantTypes.includes('authorization_code') ? ['code'] : [])).map(canonicalResponseType);
  for (const r of responseTypes) if (!supported.responseTypes.includes(r)) throw new InvalidClientMetadata(`response_types: "${r.slice(0, 100)}" is not supported`);
  // RFC 7591 §2.1: code needs authorization_code; token and id_token need implicit.
  for (const r of responseTypes) {
    const values = r.split(' ');
    if (values.includes('code') && !grantTypes.includes('authorization_code')) throw new InvalidClientMetadata(`response_type "${r}" needs the grant type authorization_code`);
    if ((values.includes('token') || values.includes('id_token')) && !grantTypes.includes('implicit')) throw new InvalidClientMetadata(`response_type "${r}" needs the grant type implicit`);
  }
  if (grantTypes.includes('implicit') && !responseTypes.some((r) => r.split(' ').some((v) => v === 'token' || v === 'id_token'))) {
    throw new InvalidClientMetadata('the grant type implicit needs a response_type with token or id_token');
  }
  if (authMethod === 'none' && grantTypes.includes('client_credentials')) throw new InvalidClientMetadata('client_credentials needs a client that authenticates (not token_endpoint_auth_method none)');

  const redirectUris = redirectUriList(input.redirect_uris, faults);
  // FAULT publicClientWithoutRedirectUris (config/faults.ts, only to prove the harness): a public client may leave its redirect URIs out.
  const exempt = faults.publicClientWithoutRedirectUris && authMethod === 'none';
  if (responseTypes.length > 0 && redirectUris.length === 0 && !exempt) throw new InvalidRedirectUri('redirect_uris is required for a client that uses the authorization endpoint');

  const metadata: RegisteredMetadata = { redirect_uris: redirectUris, grant_types: grantTypes, response_types: responseTypes, token_endpoint_auth_method: authMethod };
  const config: ClientConfig = {
    client_id: clientId,
    role: 'registered',
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: responseTypes,
    redirect_uris: redirectUris,
  };

  for (const field of textFields) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
      throw new InvalidClientMetadata(`${field} must be a string of 1 to 200 printable characters`);
    }
    metadata[field] = value;
  }
  if (metadata.client_name !== undefined) config.client_name = metadata.client_name as string;
  for (const field of urlFields) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !isWebUrl(value)) throw new InvalidClientMetadata(`${field} must be an http or https URL`);
    metadata[field] = value;
  }
  // OIDC RP-Initiated Logout 1.0 §3.1: absolute URIs without a fragment, compared exactly at logout.
  if (input.post_logout_redirect_uris !== undefined) {
    const uris = stringList(input.post_logout_redirect_uris, 'post_logout_redirect_uris')!;
    if (uris.length > 20 || uris.some((u) => u.length > 2000 || redirectUriProblem(u) !== undefined)) throw new InvalidClientMetadata('post_logout_redirect_uris must be at most 20 absolute URIs without fragments');
    metadata.post_logout_redirect_uris = [...new Set(uris)];
    config.post_logout_redirect_uris = [...new Set(uris)];
  }
  // OIDC Back-Channel Logout 1.0 §2.2: an absolute URI, https or (for development) http; no
  // fragment. Here http only on loopback, as redirect URIs (the OP POSTs to it from the server).
  if (input.backchannel_logout_uri !== undefined) {
    const uri = input.backchannel_logout_uri;
    if (typeof uri !== 'string' || !backchannelLogoutUriOk(uri)) throw new InvalidClientMetadata('backchannel_logout_uri must be an absolute https URI (or http on a loopback host) without a fragment');
    metadata.backchannel_logout_uri = uri;
    config.backchannel_logout_uri = uri;
  }
  if (input.backchannel_logout_session_required !== undefined) {
    if (typeof input.backchannel_logout_session_required !== 'boolean') throw new InvalidClientMetadata('backchannel_logout_session_required must be a boolean');
    // §2.2: it is meaningful only with backchannel_logout_uri.
    if (input.backchannel_logout_uri !== undefined) {
      metadata.backchannel_logout_session_required = input.backchannel_logout_session_required;
      config.backchannel_logout_session_required = input.backchannel_logout_session_required;
    }
  }
  // FAULT invalidContactsKept (config/faults.ts, only to prove the harness): contacts that are a string, not an array, are kept as sent.
  if (faults.invalidContactsKept && typeof input.contacts === 'string') metadata.contacts = input.contacts;
  else if (input.contacts !== undefined) {
    const contacts = stringList(input.contacts, 'contacts')!;
    if (contacts.length > 10 || contacts.some((c) => c.length > 320)) throw new InvalidClientMetadata('contacts: at most 10, each at most 320 characters');
    metadata.contacts = contacts;
  }
  if (input.scope !== undefined) {
    if (typeof input.scope !== 'string') throw new InvalidClientMetadata('scope must be a space-separated string');
    const scopes = input.scope.split(' ').filter((s) => s !== '');
    if (scopes.length === 0) throw new InvalidClientMetadata('scope must name at least one scope');
    const unknown = scopes.filter((s) => !supported.scopes.includes(s));
    if (unknown.length > 0) throw new InvalidClientMetadata(`scope: not known here: ${unknown.join(' ').slice(0, 200)}`);
    metadata.scope = config.scope = [...new Set(scopes)].join(' ');
  }
  if (input.jwks_uri !== undefined) throw new InvalidClientMetadata('jwks_uri is not supported; send the public keys as jwks');
  if (input.jwks !== undefined) metadata.jwks = config.jwks = publicJwks(input.jwks);
  if (authMethod === 'private_key_jwt' && !config.jwks) throw new InvalidClientMetadata('private_key_jwt needs jwks, the client\'s public keys');
  if (input.id_token_signed_response_alg !== undefined) {
    const alg = input.id_token_signed_response_alg as SigningAlg;
    if (!supported.signingAlgs.includes(alg)) throw new InvalidClientMetadata(`id_token_signed_response_alg must be one of ${supported.signingAlgs.join(', ')}`);
    metadata.id_token_signed_response_alg = config.id_token_signed_response_alg = alg;
  }
  // RFC 9101 §10.5 (a boolean); OIDC Registration §2 request_uris: what this server fetches by reference,
  // https or loopback http only, so a registration cannot aim the server's GET at any URL (RFC 9101 §10.4.1).
  if (input.require_signed_request_object !== undefined) {
    if (typeof input.require_signed_request_object !== 'boolean') throw new InvalidClientMetadata('require_signed_request_object must be true or false');
    metadata.require_signed_request_object = config.require_signed_request_object = input.require_signed_request_object;
  }
  if (input.request_uris !== undefined) {
    const uris = stringList(input.request_uris, 'request_uris')!;
    const webOnly = (u: string) => { const problem = redirectUriProblem(u.split('#')[0]!); return problem === undefined && /^https?:/.test(u); };
    if (!uris.every(webOnly)) throw new InvalidClientMetadata('request_uris must be https URIs (http only on a loopback host), without credentials');
    metadata.request_uris = config.request_uris = uris;
  }
  if (input.require_pushed_authorization_requests !== undefined) {
    // RFC 9126 §6.
    if (typeof input.require_pushed_authorization_requests !== 'boolean') throw new InvalidClientMetadata('require_pushed_authorization_requests must be true or false');
    metadata.require_pushed_authorization_requests = config.require_pushed_authorization_requests = input.require_pushed_authorization_requests;
  }
  return { config, metadata };
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 20 || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 2000)) {
    throw new InvalidClientMetadata(`${field} must be an array of at most 20 non-empty strings`);
  }
  return [...new Set(value as string[])];
}

/**
 * Redirect URIs a registration may name (RFC 9700 §2.1, §4.1; RFC 8252 §7): https; http only
 * on a loopback host; a native app's private-use scheme in reverse-domain form. Never a
 * fragment (RFC 6749 §3.1.2), never credentials, never javascript:, data: or file:.
 */
function redirectUriList(value: unknown, faults: FaultsConfig): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 20) throw new InvalidRedirectUri('redirect_uris must be an array of at most 20 URIs');
  for (const uri of value) {
    if (typeof uri !== 'string' || uri.length === 0 || uri.length > 2000) throw new InvalidRedirectUri('each redirect URI must be a string of 1 to 2000 characters');
    const problem = redirectUriProblem(uri);
    // FAULT fragmentRedirectUriInvalidRequest (config/faults.ts, only to prove the harness): a redirect URI with a fragment is refused with the wrong error code.
    if (problem && faults.fragmentRedirectUriInvalidRequest && uri.includes('#')) throw new InvalidRequest(`redirect URI "${uri.slice(0, 200)}" ${problem}`);
    if (problem) throw new InvalidRedirectUri(`redirect URI "${uri.slice(0, 200)}" ${problem}`);
  }
  return [...new Set(value as string[])];
}

function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) return 'has a fragment (RFC 6749 §3.1.2)';
  if (url.username || url.password) return 'holds credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) ? undefined : 'uses http on a host other than loopback (RFC 8252 §7.3)';
  if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol)) return undefined;
  return 'has a scheme that is not allowed (https, loopback http, or a reverse-domain private-use scheme)';
}

function backchannelLogoutUriOk(uri: string): boolean {
  if (uri.length > 2000 || uri.includes('#')) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname));
}

function isWebUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function publicJwks(value: unknown): { keys: JWK[] } {
  const keys = (value as { keys?: unknown })?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
    throw new InvalidClientMetadata('jwks must be {"keys": [...]} with 1 to 10 keys');
  }
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || typeof (key as JWK).kty !== 'string') throw new InvalidClientMetadata('jwks: every key needs a kty');
    if (privateJwkMembers.some((m) => m in key)) throw new InvalidClientMetadata('jwks must hold public keys only (no private or symmetric key material)');
  }
  return { keys: keys as JWK[] };
}
