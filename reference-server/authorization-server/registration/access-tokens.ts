/**
 * The two bearer tokens of registration:
 * - the initial access token (RFC 7591 §3), from the config, that a registration may need;
 * - the registration access token (RFC 7592 §3), issued with each registration, that reads,
 *   updates and deletes that one client at its registration_client_uri. It is stored as a
 *   SHA-256 hash, next to the metadata as registered, and compared by lookup of that hash.
 * Both come in the Authorization header only (RFC 6750 §2.1): the body is the client's JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import type { RegisteredMetadata } from './client-metadata.ts';
import { InvalidRequest, InvalidToken } from '../errors.ts';
import { MissingToken } from '../bearer-token.ts';
import { randomToken } from '../tokens/random.ts';

export interface RegistrationRecord extends StoredPayload {
  clientId: string;
  clientIdIssuedAt: number;
  metadata: RegisteredMetadata;
  /** The client left token_endpoint_auth_method out, so the server provisioned it (RFC 7591 §2). */
  authMethodDefaulted?: boolean;
  /** Registered without an initial access token: kept only while used (registration/lifetime.ts). */
  anonymous?: boolean;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The bearer token of the Authorization header; MissingToken (401, bare challenge) without one. */
export function headerBearer(ctx: Context): string {
  const header = ctx.get('authorization');
  if (!header) throw new MissingToken();
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new InvalidRequest('the Authorization header is not "Bearer <token>"');
  return match[1]!;
}

/** RFC 7591 §3: when the config sets an initial access token, a registration must present it. */
export function checkInitialAccessToken(ctx: Context, provider: Provider): void {
  const expected = provider.config.registration.initialAccessToken;
  if (expected === undefined) return;
  if (!timingSafeEqual(sha256(headerBearer(ctx)), sha256(expected))) throw new InvalidToken('the initial access token is invalid');
}

/** A new registration access token (RFC 7592 §3) and the id its record is stored under (its hash). */
export function newRegistrationAccessToken(): { token: string; id: string } {
  const token = randomToken();
  return { token, id: registrationTokenId(token) };
}

/** The id a registration access token's record is stored under: its SHA-256, never the token. */
export function registrationTokenId(token: string): string {
  return sha256(token).toString('base64url');
}

/** Stores the registration under its token for ttlSeconds (registration/lifetime.ts). */
export async function saveRegistration(provider: Provider, token: string, record: RegistrationRecord, ttlSeconds: number): Promise<void> {
  await provider.storage.upsert('RegistrationAccessToken', registrationTokenId(token), record, ttlSeconds);
}

export async function revokeRegistrationAccessToken(provider: Provider, token: string): Promise<void> {
  await provider.storage.destroy('RegistrationAccessToken', registrationTokenId(token));
}

/**
 * The registration that the request's token manages, when it is the one of clientId. RFC 7592
 * §2: an invalid token, or one for another client, is a 401 invalid_token.
 */
export async function registrationOf(ctx: Context, provider: Provider, clientId: string): Promise<{ token: string; record: RegistrationRecord }> {
  const token = headerBearer(ctx);
  if (token.length > 512) throw new InvalidToken('the registration access token is invalid');
  const record = await provider.storage.find<RegistrationRecord>('RegistrationAccessToken', registrationTokenId(token));
  // FAULT registrationTokenNotBoundToClient (config/faults.ts, only to prove the harness): any valid registration access token manages any client.
  const bound = provider.config.faults.registrationTokenNotBoundToClient || record?.clientId === clientId;
  if (!record || !bound) throw new InvalidToken('the registration access token is invalid or is not the one of this client');
  if (!(await provider.clients.find(clientId))) {
    // RFC 7592 §2.1: the client is gone, so the token SHOULD be revoked.
    await revokeRegistrationAccessToken(provider, token);
    throw new InvalidToken('the client no longer exists');
  }
  return { token, record };
}
