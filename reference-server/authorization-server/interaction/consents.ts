/**
 * Remembered consent, per user and client: the scopes the user allowed and the grants issued
 * under them. Withdrawing consent forgets it and revokes those grants' tokens.
 */
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';

interface ClientConsent {
  scopes: string[];
  grantIds: string[];
  grantedAt: number;
}

interface ConsentRecord extends StoredPayload {
  clients: Record<string, ClientConsent>;
}

async function load(provider: Provider, sub: string): Promise<ConsentRecord> {
  return (await provider.storage.find<ConsentRecord>('Consent', sub)) ?? { clients: {} };
}

async function save(provider: Provider, sub: string, record: ConsentRecord): Promise<void> {
  await provider.storage.upsert('Consent', sub, record, provider.config.ttl.consent);
}

export async function findConsent(provider: Provider, sub: string, clientId: string): Promise<ClientConsent | undefined> {
  const record = await load(provider, sub);
  return Object.hasOwn(record.clients, clientId) ? record.clients[clientId] : undefined;
}

export async function listConsents(provider: Provider, sub: string): Promise<Array<{ clientId: string } & ClientConsent>> {
  const record = await load(provider, sub);
  return Object.entries(record.clients).map(([clientId, consent]) => ({ clientId, ...consent }));
}

export async function grantConsent(provider: Provider, sub: string, clientId: string, scopes: string[]): Promise<void> {
  const record = await load(provider, sub);
  const previous = Object.hasOwn(record.clients, clientId) ? record.clients[clientId] : undefined;
  record.clients[clientId] = {
    scopes: [...new Set([...(previous?.scopes ?? []), ...scopes])],
    grantIds: previous?.grantIds ?? [],
    grantedAt: provider.now(),
  };
  await save(provider, sub, record);
}

export async function rememberGrant(provider: Provider, sub: string, clientId: string, grantId: string): Promise<void> {
  const record = await load(provider, sub);
  if (!Object.hasOwn(record.clients, clientId)) return;
  record.clients[clientId].grantIds.push(grantId);
  await save(provider, sub, record);
}

/** Forgets the consent and revokes every token issued under it. */
export async function revokeConsent(provider: Provider, sub: string, clientId: string): Promise<boolean> {
  const record = await load(provider, sub);
  if (!Object.hasOwn(record.clients, clientId)) return false;
  for (const grantId of record.clients[clientId].grantIds) await provider.storage.revokeByGrant(grantId);
  delete record.clients[clientId];
  await save(provider, sub, record);
  return true;
}
