/**
 * The client registry, built from the config. Secrets are kept only as SHA-256 hashes
 * (client secrets here are random high-entropy strings, so a fast hash suffices, unlike
 * passwords) and compared in constant time. A secret-based client without a secret in the
 * config gets a random one; a private_key_jwt client without jwks gets a generated key pair.
 * Both are handed back once, in `issued`, for the harness.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { ClientConfig, SigningAlg, TokenEndpointAuthMethod } from '../config/types.ts';
import type { ModelName, Storage, StoredPayload } from './storage/adapter.ts';

export interface Client {
  clientId: string;
  clientName: string;
  role?: string;
  authMethod: TokenEndpointAuthMethod;
  /** Clients that cannot keep a secret (token_endpoint_auth_method none). */
  isPublic: boolean;
  grantTypes: string[];
  responseTypes: string[];
  redirectUris: string[];
  /** OIDC RP-Initiated Logout 1.0 §3.1. */
  postLogoutRedirectUris?: string[];
  /** OIDC Back-Channel Logout 1.0 §2.2. */
  backchannelLogoutUri?: string;
  backchannelLogoutSessionRequired?: boolean;
  scopes: Set<string>;
  accessTokenFormat: 'jwt' | 'opaque';
  accessTokenAlg: SigningAlg;
  idTokenAlg: SigningAlg;
  accessTokenTtl?: number;
  /** Seconds its device codes live (RFC 8628 §3.2), when not ttl.deviceCode. */
  deviceCodeTtl?: number;
  requirePkce: boolean;
  consentGroup: string;
  requirePushedAuthorizationRequests: boolean;
  /** RFC 9101 §10.5. */
  requireSignedRequestObject: boolean;
  /** Pre-registered request_uri values (OIDC Registration §2), the only ones fetched. */
  requestUris?: string[];
  jwks?: { keys: JWK[] };
  secretSha256?: Buffer;
}

export interface IssuedCredentials {
  client_id: string;
  client_secret?: string;
  private_jwk?: JWK;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(client: Client, presented: string): boolean {
  if (!client.secretSha256) return false;
  return timingSafeEqual(hashSecret(presented), client.secretSha256);
}

/**
 * A registered client kept only while it is used (open registration, registration/lifetime.ts):
 * each look-up renews it for ttl seconds, written at most once per renewEvery seconds so that a
 * use does not write every time; the records named in alongWith (its registration access token)
 * are renewed with it.
 */
export interface ClientLease {
  ttl: number;
  renewEvery: number;
  alongWith?: Array<{ model: ModelName; id: string }>;
}

/** A registered client as stored (JSON: the hash as base64url, the scopes as a list). */
interface StoredClient extends StoredPayload {
  client: Omit<Client, 'scopes' | 'secretSha256'> & { scopes: string[]; secretSha256?: string };
  lease?: ClientLease & { renewedAt: number };
}

/**
 * The configured clients live in memory (every instance reads the same config); registered
 * ones (RFC 7591) live in the storage, so that every instance on a shared store sees them and
 * a restart keeps them.
 */
export class ClientRegistry {
  private readonly configured = new Map<string, Client>();
  private storage?: Storage;
  private now: () => number = () => Math.floor(Date.now() / 1000);

  private constructor() {}

  /** Where registered clients are kept; until attached, they are kept with the configured ones. */
  attach(storage: Storage, now?: () => number): this {
    this.storage = storage;
    if (now) this.now = now;
    return this;
  }

  static async create(configs: ClientConfig[], options: BuildOptions): Promise<{ registry: ClientRegistry; issued: IssuedCredentials[] }> {
    const registry = new ClientRegistry();
    const issued: IssuedCredentials[] = [];
    for (const c of configs) {
      const { client, credentials } = await buildClient(c, options);
      registry.configured.set(c.client_id, client);
      issued.push(credentials);
    }
    return { registry, issued };
  }

  /** A configured client, synchronously (start-up wiring only). */
  configuredClient(clientId: string): Client | undefined {
    return this.configured.get(clientId);
  }

  async find(clientId: string): Promise<Client | undefined> {
    const configured = this.configured.get(clientId);
    if (configured || !this.storage) return configured;
    const stored = await this.storage.find<StoredClient>('Client', clientId);
    if (!stored) return undefined;
    if (stored.lease && this.now() - stored.lease.renewedAt >= stored.lease.renewEvery) await this.renew(clientId, stored, stored.lease);
    return fromStored(stored);
  }

  /**
   * Adds or replaces a registered client (registration.ts, RFC 7591 / 7592) for ttlSeconds, or,
   * with a lease, for as long as it is used.
   */
  async set(client: Client, ttlSeconds: number, lease?: ClientLease): Promise<void> {
    if (!this.storage) {
      this.configured.set(client.clientId, client);
      return;
    }
    const stored: StoredClient = { ...toStored(client), ...(lease ? { lease: { ...lease, renewedAt: this.now() } } : {}) };
    await this.storage.upsert('Client', client.clientId, stored, lease?.ttl ?? ttlSeconds);
  }

  /**
   * A use: the client and what lives with it are kept lease.ttl more seconds. (Rewritten from the
   * record just read: an update landing in between would be lost, but renewals are at least
   * renewEvery apart and a management call reads, and so renews, before it writes.)
   */
  private async renew(clientId: string, stored: StoredClient, lease: ClientLease & { renewedAt: number }): Promise<void> {
    const storage = this.storage!;
    await storage.upsert('Client', clientId, { ...stored, lease: { ...lease, renewedAt: this.now() } }, lease.ttl);
    for (const { model, id } of lease.alongWith ?? []) {
      const record = await storage.find(model, id);
      if (record) await storage.upsert(model, id, record, lease.ttl);
    }
  }

  /** Removes a registered client (RFC 7592 §2.3). */
  async delete(clientId: string): Promise<void> {
    if (this.storage && !this.configured.has(clientId)) await this.storage.destroy('Client', clientId);
    else this.configured.delete(clientId);
  }

  /** The configured clients. */
  all(): Client[] {
    return [...this.configured.values()];
  }
}

function toStored(client: Client): StoredClient {
  const { scopes, secretSha256, ...rest } = client;
  return { client: { ...rest, scopes: [...scopes], ...(secretSha256 ? { secretSha256: secretSha256.toString('base64url') } : {}) } };
}

function fromStored(stored: StoredClient): Client {
  const { scopes, secretSha256, ...rest } = stored.client;
  return { ...rest, scopes: new Set(scopes), ...(secretSha256 ? { secretSha256: Buffer.from(secretSha256, 'base64url') } : {}) };
}

/** What is generated for a configured client that has no secret or key in the config. */
interface Generated extends StoredPayload {
  client_secret?: string;
  private_jwk?: JWK;
  public_jwk?: JWK;
}

export interface BuildOptions {
  scopes: string[];
  defaultConsentGroup: string;
  /**
   * Keeps what is generated for a client, so that every instance on a shared store hands out
   * the same credentials (storage/agreed.ts). Default: generated afresh.
   */
  keep?: (name: string, make: () => Promise<Generated>) => Promise<Generated>;
}

async function generate(c: ClientConfig, needs: { secret: boolean; key: boolean }): Promise<Generated> {
  const generated: Generated = {};
  if (needs.secret) generated.client_secret = randomBytes(32).toString('base64url');
  if (needs.key) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `${c.client_id}-key-1`;
    generated.public_jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    generated.private_jwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  }
  return generated;
}

/** A client from its config: a generated secret or key pair when the config gives none. */
export async function buildClient(c: ClientConfig, options: BuildOptions): Promise<{ client: Client; credentials: IssuedCredentials }> {
  const credentials: IssuedCredentials = { client_id: c.client_id };
  const secretBased = c.token_endpoint_auth_method === 'client_secret_basic' || c.token_endpoint_auth_method === 'client_secret_post';
  const needs = { secret: secretBased && !c.client_secret_sha256 && c.client_secret === undefined, key: c.token_endpoint_auth_method === 'private_key_jwt' && !c.jwks };
  const make = () => generate(c, needs);
  // Kept by what was generated too: a client whose method changed since gets what it needs now.
  const kept = `${c.client_id}#${needs.secret ? 'secret' : ''}${needs.key ? 'key' : ''}`;
  const generated = needs.secret || needs.key ? await (options.keep ? options.keep(kept, make) : make()) : {};
  let secretSha256: Buffer | undefined;
  if (secretBased) {
    if (c.client_secret_sha256) {
      secretSha256 = Buffer.from(c.client_secret_sha256, 'base64url');
    } else {
      const secret = c.client_secret ?? generated.client_secret!;
      secretSha256 = hashSecret(secret);
      credentials.client_secret = secret;
    }
  }
  let jwks = c.jwks;
  if (needs.key) {
    jwks = { keys: [generated.public_jwk!] };
    credentials.private_jwk = generated.private_jwk!;
  }
  const isPublic = c.token_endpoint_auth_method === 'none';
  const client: Client = {
    clientId: c.client_id,
    clientName: c.client_name ?? c.client_id,
    role: c.role,
    authMethod: c.token_endpoint_auth_method,
    isPublic,
    grantTypes: [...c.grant_types],
    responseTypes: [...c.response_types],
    redirectUris: [...c.redirect_uris],
    postLogoutRedirectUris: c.post_logout_redirect_uris ? [...c.post_logout_redirect_uris] : undefined,
    backchannelLogoutUri: c.backchannel_logout_uri,
    backchannelLogoutSessionRequired: c.backchannel_logout_session_required,
    scopes: new Set(c.scope ? c.scope.split(' ') : options.scopes),
    accessTokenFormat: c.access_token_format ?? 'jwt',
    accessTokenAlg: c.access_token_signed_response_alg ?? 'RS256',
    idTokenAlg: c.id_token_signed_response_alg ?? 'RS256',
    accessTokenTtl: c.access_token_ttl,
    deviceCodeTtl: c.device_code_ttl,
    // RFC 9700 §2.1.1: public clients MUST use PKCE.
    requirePkce: isPublic || c.require_pkce === true,
    consentGroup: c.consent_group ?? options.defaultConsentGroup,
    requirePushedAuthorizationRequests: c.require_pushed_authorization_requests === true,
    requireSignedRequestObject: c.require_signed_request_object === true,
    requestUris: c.request_uris ? [...c.request_uris] : undefined,
    jwks,
    secretSha256,
  };
  // JSON has no undefined: leave absent fields absent, so a stored client reads back the same.
  for (const key of Object.keys(client) as Array<keyof Client>) if (client[key] === undefined) delete client[key];
  return { client, credentials };
}
