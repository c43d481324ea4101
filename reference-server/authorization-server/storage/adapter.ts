/**
 * The storage interface, shaped like node-oidc-provider's adapter: every record belongs to a
 * model (AuthorizationCode, AccessToken, RefreshToken, Session, Interaction, Consent, ...),
 * has an id and a time to live, and may belong to a grant so that one call revokes every
 * token of that grant (code reuse, refresh token reuse, revocation, consent withdrawal).
 * The in-memory default is storage/memory.ts; storage/redis.ts keeps the same records in Redis,
 * shared by every instance that uses it.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export type ModelName =
  | 'AuthorizationCode'
  | 'AccessToken'
  | 'RefreshToken'
  | 'Session'
  // OIDC Back-Channel Logout 1.0 §2.3: the clients a session signed into, by the session's sid.
  | 'SessionClients'
  | 'Interaction'
  | 'Consent'
  | 'ClientAssertion'
  // PAR, device authorization and registration.
  | 'PushedAuthorizationRequest'
  | 'DeviceCode'
  | 'RegistrationAccessToken'
  // DPoP (RFC 9449): the jti of every proof seen (§11.1) and the nonces handed out (§8).
  | 'DpopProof'
  | 'DpopNonce'
  // What every instance on a shared store must agree on: registered clients, the signing keys,
  // and the secrets made at the first start (cookie keys, generated client credentials).
  | 'Client'
  | 'SigningKeys'
  | 'KeyRotation'
  | 'ServerSecrets';

export interface StoredPayload {
  /** Records of one grant are revoked together by revokeByGrant(). */
  grantId?: string;
  /** Set (epoch seconds) by consume(); a consumed record stays findable until it expires. */
  consumed?: number;
  [field: string]: unknown;
}

export interface Storage {
  /** Creates or replaces a record that expires after ttlSeconds. */
  upsert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<void>;
  /**
   * Creates a record only when no live one has this id; resolves true for the call that created
   * it. What may be seen once (a client assertion's jti) is decided here, atomically: a find()
   * then an upsert() lets two requests both see nothing and both pass.
   */
  insert(model: ModelName, id: string, payload: StoredPayload, ttlSeconds: number): Promise<boolean>;
  /** The record, or undefined when absent or expired. */
  find<T extends StoredPayload = StoredPayload>(model: ModelName, id: string): Promise<T | undefined>;
  /**
   * Marks a record consumed. Resolves true only for the call that consumed it, false when it
   * was already consumed or is absent: single use has to be decided atomically here.
   */
  consume(model: ModelName, id: string): Promise<boolean>;
  destroy(model: ModelName, id: string): Promise<void>;
  /** Destroys every record (of any model) that carries this grantId. */
  revokeByGrant(grantId: string): Promise<void>;
  /**
   * A rate limiter (rate-limiter-flexible) whose counters live where this storage keeps its
   * records, so that every instance on a shared store counts together. keyPrefix names it.
   */
  limiter(options: LimiterOptions): RateLimiterAbstract;
  /** Releases timers or connections. */
  close?(): Promise<void>;
}

export interface LimiterOptions {
  /** Unique per limiter: the counters of two limiters never mix. */
  keyPrefix: string;
  /** Points a key may consume per window. */
  points: number;
  /** The window, seconds. */
  duration: number;
  /** Seconds a key stays blocked once it has consumed more than points (0: until the window ends). */
  blockDuration?: number;
}

/** The store cannot be reached: the request fails with a 503 the caller may retry. */
export class StorageUnavailable extends Error {
  override name = 'StorageUnavailable';
}

/** A call to a limiter of Storage.limiter() whose store failed: a StorageUnavailable naming the limiter. */
export async function limiterStoreCall<T>(limiter: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StorageUnavailable(`${limiter}'s store failed: ${(error as Error).message}`);
  }
}
