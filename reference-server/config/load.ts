/**
 * Reads and checks a config (object or JSON file path), and fills in the defaults. Every
 * problem is a ReferenceConfigError naming the field, never a crash later at request time.
 */
import { readFile } from 'node:fs/promises';
import type { ClientConfig, ReferenceConfig, SigningAlg, TokenEndpointAuthMethod } from './types.ts';
import { defaultConfig } from './default.ts';
import { consentGroupDN } from '../../fixtures/ldap/seed.ts';
import { endpointLifetimes, resolveEndpointSettings, type EndpointSettings } from './endpoint-settings.ts';
import { resolveFaults } from './faults.ts';
import { resolveLimits, type Limits } from './limits-settings.ts';
import { defaultMaxRecords } from '../authorization-server/storage/memory.ts';

export class ReferenceConfigError extends Error {
  override name = 'ReferenceConfigError';
}

export const defaultScopes: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'Your name',
  email: 'Your email address',
  groups: 'The groups you belong to',
  offline_access: 'Keep access while you are away',
  'api:read': 'Read your resources',
  'api:write': 'Change your resources',
};

export interface ResolvedConfig extends EndpointSettings {
  clients: ClientConfig[];
  users: NonNullable<ReferenceConfig['users']>;
  scopes: Record<string, string>;
  ttl: Required<NonNullable<ReferenceConfig['ttl']>>;
  dpop: { requireNonce: boolean; iatWindowSeconds: number };
  keys: { algorithms: SigningAlg[]; jwks?: { keys: import('jose').JWK[] }; retireAfterSeconds: number; rotateEverySeconds?: number };
  /** "memory" or a redis:// / rediss:// URL. */
  store: string;
  limits: Limits;
  memoryStore: { maxRecords: number };
  ldap: NonNullable<ReferenceConfig['ldap']>;
  consent: { defaultGroup: string };
  groups: { dns: string[] };
  resourceServer: { audience?: string; readScope: string; writeScope: string; clientId: string };
  faults: NonNullable<ReferenceConfig['faults']>;
}

const authMethods: TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
const algs: SigningAlg[] = ['ES256', 'RS256'];
/** Grant and response types a client may be configured with. */
const knownGrantTypes = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'];
const knownResponseTypes = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

export async function loadConfig(input?: ReferenceConfig | string): Promise<ResolvedConfig> {
  let raw: unknown = input ?? defaultConfig;
  if (typeof input === 'string') {
    let text: string;
    try {
      text = await readFile(input, 'utf8');
    } catch (error) {
      throw new ReferenceConfigError(`cannot read config file ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ReferenceConfigError(`config file ${input} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return resolveConfig(raw);
}

export function resolveConfig(raw: unknown): ResolvedConfig {
  const config = object(raw, 'config') as Partial<ReferenceConfig>;
  const scopes = { ...defaultScopes, ...(config.scopes === undefined ? {} : stringRecord(config.scopes, 'scopes')) };
  if (!Array.isArray(config.clients) || config.clients.length === 0) throw new ReferenceConfigError('config.clients must be a non-empty array');
  const seen = new Set<string>();
  const clients = config.clients.map((c, i) => checkClient(c, `clients[${i}]`, scopes));
  for (const c of clients) {
    if (seen.has(c.client_id)) throw new ReferenceConfigError(`clients: client_id "${c.client_id}" appears twice`);
    seen.add(c.client_id);
  }
  const users = (config.users ?? []).map((u, i) => {
    const at = `users[${i}]`;
    object(u, at);
    return { username: string(u.username, `${at}.username`), password: string(u.password, `${at}.password`), role: string(u.role, `${at}.role`) };
  });
  const ttl = {
    authorizationCode: 60,
    accessToken: 600,
    idToken: 3600,
    refreshToken: 14 * 24 * 3600,
    interaction: 600,
    session: 8 * 3600,
    consent: 30 * 24 * 3600,
    ...endpointLifetimes,
  };
  if (config.ttl !== undefined) {
    for (const [name, value] of Object.entries(object(config.ttl, 'ttl'))) {
      if (!(name in ttl)) throw new ReferenceConfigError(`ttl.${name} is not a known lifetime (${Object.keys(ttl).join(', ')})`);
      ttl[name as keyof typeof ttl] = positiveInteger(value, `ttl.${name}`);
    }
  }
  const keys = object(config.keys ?? {}, 'keys') as NonNullable<ReferenceConfig['keys']>;
  const algorithms = keys.algorithms ?? algs;
  for (const alg of algorithms) if (!algs.includes(alg)) throw new ReferenceConfigError(`keys.algorithms: "${alg}" is not one of ${algs.join(', ')}`);
  if (keys.jwks !== undefined && !Array.isArray(keys.jwks?.keys)) throw new ReferenceConfigError('keys.jwks must be {"keys": [...]}');
  const ldap = object(config.ldap ?? {}, 'ldap') as NonNullable<ReferenceConfig['ldap']>;
  for (const field of ['url', 'baseDN', 'bindDN', 'password', 'peopleDN', 'usernameAttribute'] as const) {
    if (ldap[field] !== undefined) string(ldap[field], `ldap.${field}`);
  }
  if (ldap.usernameAttribute !== undefined && !/^[A-Za-z][A-Za-z0-9-]*$/.test(ldap.usernameAttribute)) {
    throw new ReferenceConfigError('ldap.usernameAttribute must be an attribute name');
  }
  if (ldap.timeoutMs !== undefined) positiveInteger(ldap.timeoutMs, 'ldap.timeoutMs');
  const rs = object(config.resourceServer ?? {}, 'resourceServer') as NonNullable<ReferenceConfig['resourceServer']>;
  const faults = resolveFaults(config.faults, (message) => new ReferenceConfigError(message));
  return {
    clients,
    users,
    scopes,
    ttl,
    dpop: {
      requireNonce: config.dpop?.requireNonce === undefined ? true : config.dpop.requireNonce === true,
      iatWindowSeconds: config.dpop?.iatWindowSeconds === undefined ? 60 : positiveInteger(config.dpop.iatWindowSeconds, 'dpop.iatWindowSeconds'),
    },
    keys: {
      algorithms,
      jwks: keys.jwks,
      retireAfterSeconds: keys.retireAfterSeconds === undefined ? ttl.idToken : positiveInteger(keys.retireAfterSeconds, 'keys.retireAfterSeconds'),
      ...(keys.rotateEverySeconds === undefined ? {} : { rotateEverySeconds: positiveInteger(keys.rotateEverySeconds, 'keys.rotateEverySeconds') }),
    },
    store: storeUrl(config.store),
    limits: resolveLimits(config.limits, (message) => new ReferenceConfigError(message)),
    memoryStore: memoryStore(config.memoryStore),
    ldap,
    consent: { defaultGroup: config.consent?.defaultGroup === undefined ? consentGroupDN : string(config.consent.defaultGroup, 'consent.defaultGroup') },
    groups: { dns: (config.groups?.dns ?? []).map((dn, i) => string(dn, `groups.dns[${i}]`)) },
    resourceServer: {
      audience: rs.audience === undefined ? undefined : string(rs.audience, 'resourceServer.audience'),
      readScope: rs.readScope === undefined ? 'api:read' : string(rs.readScope, 'resourceServer.readScope'),
      writeScope: rs.writeScope === undefined ? 'api:write' : string(rs.writeScope, 'resourceServer.writeScope'),
      clientId: rs.clientId === undefined ? 'resource-server' : string(rs.clientId, 'resourceServer.clientId'),
    },
    faults,
    ...resolveEndpointSettings(config, (message) => new ReferenceConfigError(message)),
  };
}

/** memoryStore: the cap on live records of the in-memory store (storage/memory.ts). */
function memoryStore(value: unknown): { maxRecords: number } {
  const section = object(value ?? {}, 'memoryStore') as Record<string, unknown>;
  for (const name of Object.keys(section)) if (name !== 'maxRecords') throw new ReferenceConfigError(`memoryStore.${name} is not a known field (maxRecords)`);
  if (section.maxRecords === undefined) return { maxRecords: defaultMaxRecords };
  const maxRecords = positiveInteger(section.maxRecords, 'memoryStore.maxRecords');
  if (maxRecords < 100) throw new ReferenceConfigError('memoryStore.maxRecords must be at least 100');
  return { maxRecords };
}

/** The store: "memory", or a Redis URL that new URL() can read. */
export function storeUrl(value: unknown, at = 'store'): string {
  if (value === undefined || value === 'memory') return 'memory';
  const text = string(value, at);
  let url: URL | undefined;
  try { url = new URL(text); } catch { /* named below */ }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) {
    throw new ReferenceConfigError(`${at} must be "memory" or a redis:// URL (redis://[user:password@]host:port[/db]), not ${JSON.stringify(text.replace(/\/\/[^@/]*@/, '//***@'))}`);
  }
  return text;
}

function checkClient(raw: unknown, at: string, scopes: Record<string, string>): ClientConfig {
  const c = object(raw, at) as unknown as ClientConfig;
  string(c.client_id, `${at}.client_id`);
  if (!/^[\x21-\x7e]+$/.test(c.client_id)) throw new ReferenceConfigError(`${at}.client_id must be printable ASCII without spaces`);
  if (c.client_id === '__proto__') throw new ReferenceConfigError(`${at}.client_id cannot be __proto__`);
  if (!authMethods.includes(c.token_endpoint_auth_method)) {
    throw new ReferenceConfigError(`${at}.token_endpoint_auth_method must be one of ${authMethods.join(', ')}`);
  }
  for (const field of ['grant_types', 'response_types', 'redirect_uris'] as const) {
    if (!Array.isArray(c[field]) || !c[field].every((v) => typeof v === 'string')) throw new ReferenceConfigError(`${at}.${field} must be an array of strings`);
  }
  for (const g of c.grant_types) if (!knownGrantTypes.includes(g)) throw new ReferenceConfigError(`${at}.grant_types: "${g}" is not one of ${knownGrantTypes.join(', ')}`);
  for (const r of c.response_types) if (!knownResponseTypes.includes(r)) throw new ReferenceConfigError(`${at}.response_types: "${r}" is not one of ${knownResponseTypes.join(', ')}`);
  for (const uri of c.redirect_uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new ReferenceConfigError(`${at}.redirect_uris: "${uri}" is not an absolute URL`);
    }
    // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment.
    if (url.hash) throw new ReferenceConfigError(`${at}.redirect_uris: "${uri}" has a fragment`);
  }
  if (c.post_logout_redirect_uris !== undefined) {
    if (!Array.isArray(c.post_logout_redirect_uris) || !c.post_logout_redirect_uris.every((v) => typeof v === 'string' && URL.canParse(v) && !new URL(v).hash)) {
      throw new ReferenceConfigError(`${at}.post_logout_redirect_uris must be an array of absolute URLs without fragments`);
    }
  }
  // OIDC Back-Channel Logout 1.0 §2.2: an absolute URI without a fragment; a boolean flag.
  if (c.backchannel_logout_uri !== undefined) {
    if (typeof c.backchannel_logout_uri !== 'string' || !URL.canParse(c.backchannel_logout_uri) || !/^https?:$/.test(new URL(c.backchannel_logout_uri).protocol) || new URL(c.backchannel_logout_uri).hash) {
      throw new ReferenceConfigError(`${at}.backchannel_logout_uri must be an absolute http or https URL without a fragment`);
    }
  }
  if (c.backchannel_logout_session_required !== undefined && typeof c.backchannel_logout_session_required !== 'boolean') throw new ReferenceConfigError(`${at}.backchannel_logout_session_required must be a boolean`);
  if (c.response_types.length > 0 && c.redirect_uris.length === 0) throw new ReferenceConfigError(`${at}: response_types need at least one redirect_uri`);
  if (c.scope !== undefined) {
    for (const s of string(c.scope, `${at}.scope`).split(' ')) if (!(s in scopes)) throw new ReferenceConfigError(`${at}.scope: "${s}" is not a known scope`);
  }
  for (const field of ['access_token_signed_response_alg', 'id_token_signed_response_alg'] as const) {
    if (c[field] !== undefined && !algs.includes(c[field])) throw new ReferenceConfigError(`${at}.${field} must be one of ${algs.join(', ')}`);
  }
  if (c.access_token_format !== undefined && c.access_token_format !== 'jwt' && c.access_token_format !== 'opaque') {
    throw new ReferenceConfigError(`${at}.access_token_format must be jwt or opaque`);
  }
  if (c.access_token_ttl !== undefined) positiveInteger(c.access_token_ttl, `${at}.access_token_ttl`);
  if (c.device_code_ttl !== undefined) positiveInteger(c.device_code_ttl, `${at}.device_code_ttl`);
  if (c.client_secret !== undefined) string(c.client_secret, `${at}.client_secret`);
  if (c.client_secret_sha256 !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(c.client_secret_sha256)) {
    throw new ReferenceConfigError(`${at}.client_secret_sha256 must be the base64url SHA-256 of the secret (43 characters)`);
  }
  if (c.token_endpoint_auth_method === 'none' && (c.client_secret !== undefined || c.client_secret_sha256 !== undefined)) {
    throw new ReferenceConfigError(`${at}: a client with token_endpoint_auth_method none has no secret`);
  }
  if (c.jwks !== undefined && !Array.isArray(c.jwks?.keys)) throw new ReferenceConfigError(`${at}.jwks must be {"keys": [...]}`);
  if (c.consent_group !== undefined) string(c.consent_group, `${at}.consent_group`);
  if (c.require_signed_request_object !== undefined && typeof c.require_signed_request_object !== 'boolean') throw new ReferenceConfigError(`${at}.require_signed_request_object must be true or false`);
  if (c.request_uris !== undefined && (!Array.isArray(c.request_uris) || !c.request_uris.every((u) => typeof u === 'string' && URL.canParse(u)))) {
    throw new ReferenceConfigError(`${at}.request_uris must be an array of absolute URIs`);
  }
  return c;
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReferenceConfigError(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ReferenceConfigError(`${at} must be a non-empty string`);
  return value;
}

function stringRecord(value: unknown, at: string): Record<string, string> {
  const o = object(value, at);
  for (const [k, v] of Object.entries(o)) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(k)) throw new ReferenceConfigError(`${at}: "${k}" is not a valid scope token (RFC 6749 §3.3)`);
    string(v, `${at}.${k}`);
  }
  return o as Record<string, string>;
}

function positiveInteger(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ReferenceConfigError(`${at} must be a positive integer`);
  return value;
}
