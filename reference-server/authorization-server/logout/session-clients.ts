/**
 * The clients a session signed into (OpenID Connect Back-Channel Logout 1.0 §2.3: "OPs
 * supporting back-channel logout need to keep track of the set of logged-in RPs"), kept in the
 * storage by the session's sid so that every instance on a shared store sees them.
 */
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';

interface SessionClients extends StoredPayload {
  clientIds: string[];
}

/** At most this many clients per session are remembered; a session rarely signs into more. */
const maxClients = 50;

export async function rememberSessionClient(provider: Provider, sid: string, clientId: string): Promise<void> {
  const record = await provider.storage.find<SessionClients>('SessionClients', sid);
  const clientIds = record?.clientIds ?? [];
  if (clientIds.includes(clientId) || clientIds.length >= maxClients) return;
  await provider.storage.upsert('SessionClients', sid, { clientIds: [...clientIds, clientId] }, provider.config.ttl.session);
}

/** The clients the session signed into, forgotten as they are read (the session is ending). */
export async function takeSessionClients(provider: Provider, sid: string): Promise<string[]> {
  const record = await provider.storage.find<SessionClients>('SessionClients', sid);
  if (record) await provider.storage.destroy('SessionClients', sid);
  return record?.clientIds ?? [];
}
