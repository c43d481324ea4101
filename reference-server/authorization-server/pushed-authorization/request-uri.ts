/**
 * Pushed authorization requests (RFC 9126) in storage: /par saves the checked parameters
 * under a random request_uri; /authorize trades that request_uri back for them, once, and
 * only for the client that pushed them (RFC 9126 §4, §7.3).
 */
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import { randomToken } from '../tokens/random.ts';

/** RFC 9126 §2.2: the request_uri is a URN with this prefix and a random part. */
export const requestUriPrefix = 'urn:ietf:params:oauth:request_uri:';

export interface PushedAuthorizationRecord extends StoredPayload {
  clientId: string;
  /** The authorization request as pushed, client authentication removed. */
  params: Record<string, string>;
}

/** Why a request_uri cannot be used: each becomes invalid_request_uri (RFC 9126 §4, RFC 9101 §6.2). */
export type RequestUriProblem = 'unknown' | 'another-client' | 'used';

export async function savePushedRequest(provider: Provider, clientId: string, params: Record<string, string>): Promise<{ request_uri: string; expires_in: number }> {
  // FAULT shortRequestUri (config/faults.ts, only to prove the harness): 8 random characters, about 48 bits.
  const id = provider.config.faults.shortRequestUri ? randomToken().slice(0, 8) : randomToken();
  const ttl = provider.config.ttl.pushedAuthorizationRequest;
  const record: PushedAuthorizationRecord = { clientId, params };
  await provider.storage.upsert('PushedAuthorizationRequest', id, record, ttl);
  // FAULT parResponseWithoutExpiresIn (config/faults.ts, only to prove the harness): the lifetime is not told.
  if (provider.config.faults.parResponseWithoutExpiresIn) return { request_uri: `${requestUriPrefix}${id}` } as { request_uri: string; expires_in: number };
  return { request_uri: `${requestUriPrefix}${id}`, expires_in: ttl };
}

export function isPushedRequestUri(value: string): boolean {
  return value.startsWith(requestUriPrefix);
}

/**
 * The pushed parameters, consumed; or why not. A request_uri presented by another client is
 * refused without consuming it, so that it cannot be burnt for the client that pushed it.
 */
export async function redeemPushedRequest(provider: Provider, clientId: string, requestUri: string): Promise<{ params: Record<string, string> } | { problem: RequestUriProblem }> {
  const id = requestUri.slice(requestUriPrefix.length);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return { problem: 'unknown' };
  const record = await provider.storage.find<PushedAuthorizationRecord>('PushedAuthorizationRequest', id);
  if (!record) return { problem: 'unknown' };
  if (record.clientId !== clientId) return { problem: 'another-client' };
  if (!(await provider.storage.consume('PushedAuthorizationRequest', id))) return { problem: 'used' };
  return { params: record.params };
}
