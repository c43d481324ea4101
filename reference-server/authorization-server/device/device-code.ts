/**
 * A device authorization (RFC 8628) in storage: the record behind a device_code, and an index
 * from its user_code. The record outlives expires_in by a grace period, so that a late poll
 * gets expired_token (§3.5) rather than invalid_grant; expiresAt is the real end.
 */
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import { randomToken } from '../tokens/random.ts';
import { generateUserCode } from './user-code.ts';

export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceCodeRecord extends StoredPayload {
  clientId: string;
  scope: string;
  /** Canonical user_code (no dash). */
  userCode: string;
  /** Epoch seconds after which the codes are expired. */
  expiresAt: number;
  /** Seconds between polls, as first announced (the poll record keeps the current one). */
  interval: number;
  status: 'pending' | 'approved' | 'denied';
  deniedReason?: string;
  /** Set on approval: who approved, and when they signed in. */
  sub?: string;
  accountDn?: string;
  authTime?: number;
}

interface UserCodeIndex extends StoredPayload {
  deviceCode: string;
}

/** Kept apart from the record, so that a poll never overwrites an approval that lands meanwhile. */
interface PollRecord extends StoredPayload {
  /** Seconds; slow_down adds 5 to it for this and every later poll (RFC 8628 §3.5). */
  interval: number;
  /** Epoch ms of the last token request. */
  lastPolledAt: number;
}

/** How long records stay findable after they expire. */
const graceSeconds = 600;
/** The user_code index and the poll record share the DeviceCode model; device codes are base64url, so no id can collide. */
const userCodeId = (userCode: string) => `user_code:${userCode}`;
const pollId = (deviceCode: string) => `poll:${deviceCode}`;

export async function createDeviceAuthorization(provider: Provider, clientId: string, scope: string, lifetime = provider.config.ttl.deviceCode): Promise<{ deviceCode: string; record: DeviceCodeRecord }> {
  let userCode = generateUserCode();
  // A clash with a live code is rare (2^34 codes); draw again rather than hand out the same code twice.
  for (let i = 0; i < 5 && (await provider.storage.find('DeviceCode', userCodeId(userCode))); i++) userCode = generateUserCode();
  // FAULT shortDeviceCode (config/faults.ts, only to prove the harness): 8 random characters, about 48 bits.
  const deviceCode = provider.config.faults.shortDeviceCode ? randomToken().slice(0, 8) : randomToken();
  const record: DeviceCodeRecord = {
    clientId,
    scope,
    userCode,
    expiresAt: provider.now() + lifetime,
    interval: provider.config.deviceAuthorization.interval,
    status: 'pending',
  };
  await provider.storage.upsert('DeviceCode', deviceCode, record, lifetime + graceSeconds);
  await provider.storage.upsert('DeviceCode', userCodeId(userCode), { deviceCode } satisfies UserCodeIndex, lifetime);
  return { deviceCode, record };
}

export async function findDeviceCode(provider: Provider, deviceCode: string): Promise<DeviceCodeRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(deviceCode)) return undefined;
  return provider.storage.find<DeviceCodeRecord>('DeviceCode', deviceCode);
}

export async function findByUserCode(provider: Provider, userCode: string): Promise<{ deviceCode: string; record: DeviceCodeRecord } | undefined> {
  const index = await provider.storage.find<UserCodeIndex>('DeviceCode', userCodeId(userCode));
  if (!index) return undefined;
  const record = await findDeviceCode(provider, index.deviceCode);
  return record && record.userCode === userCode ? { deviceCode: index.deviceCode, record } : undefined;
}

export function isExpired(provider: Provider, record: DeviceCodeRecord): boolean {
  return provider.now() >= record.expiresAt;
}

/** Saves a changed record, keeping its original end of life. */
export async function saveDeviceCode(provider: Provider, deviceCode: string, record: DeviceCodeRecord): Promise<void> {
  const ttl = Math.max(1, record.expiresAt + graceSeconds - provider.now());
  await provider.storage.upsert('DeviceCode', deviceCode, record, ttl);
}

/**
 * Notes a token request and says whether it came sooner than the interval after the previous
 * one. The first poll is never too fast: the interval is the time between polls (§3.2).
 * Milliseconds from the provider's clock: provider.now() counts whole seconds, too coarse for this.
 */
export async function notePoll(provider: Provider, deviceCode: string, record: DeviceCodeRecord): Promise<{ tooFast: boolean; interval: number }> {
  const previous = await provider.storage.find<PollRecord>('DeviceCode', pollId(deviceCode));
  const now = provider.clock.now();
  let interval = previous?.interval ?? record.interval;
  const tooFast = previous !== undefined && now - previous.lastPolledAt < interval * 1000;
  if (tooFast) interval += 5;
  const ttl = Math.max(1, record.expiresAt + graceSeconds - provider.now());
  await provider.storage.upsert('DeviceCode', pollId(deviceCode), { interval, lastPolledAt: now } satisfies PollRecord, ttl);
  return { tooFast, interval };
}
