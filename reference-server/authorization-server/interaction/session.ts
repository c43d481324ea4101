/**
 * The end-user's session at the AS: who signed in and when (auth_time, for max_age and the
 * ID token). A new session id on every sign-in, so that a planted cookie cannot be
 * upgraded (session fixation).
 */
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';
import type { Account } from '../accounts/ldap-accounts.ts';
import { randomToken } from '../tokens/random.ts';
import { readCookie, sessionCookie, setCookie } from './cookies.ts';

export interface SessionRecord extends StoredPayload {
  account: Account;
  authTime: number;
  csrf: string;
  /** The sid claim of its ID tokens and logout tokens (OIDC Back-Channel Logout 1.0 §2.4): not the cookie value, which stays secret. */
  sid?: string;
}

export async function loadSession(ctx: Context, provider: Provider): Promise<{ id: string; record: SessionRecord } | undefined> {
  const id = readCookie(ctx, sessionCookie);
  if (!id) return undefined;
  const record = await provider.storage.find<SessionRecord>('Session', id);
  return record ? { id, record } : undefined;
}

export async function startSession(ctx: Context, provider: Provider, account: Account): Promise<SessionRecord> {
  const previous = readCookie(ctx, sessionCookie);
  if (previous) await provider.storage.destroy('Session', previous);
  const id = randomToken();
  const record: SessionRecord = { account, authTime: provider.now(), csrf: randomToken(), sid: randomToken(16) };
  await provider.storage.upsert('Session', id, record, provider.config.ttl.session);
  setCookie(ctx, sessionCookie, id, provider.config.ttl.session);
  return record;
}
