/**
 * Remembered consent, per user and client: the scopes the user allowed and the grants issued
 * under them. Withdrawing consent forgets it and revokes those grants' tokens.
 *
 * The grants are not a list in the consent record (it grew with every /authorize, and every
 * /authorize copied it). Each grant gets a small record of its own, numbered under the
 * consent's `grants.epoch`, carrying its grantId: revoking the grant (code reuse, refresh token
 * reuse, /revoke) destroys it too, and it expires with the consent (ttl.consent, as the list
 * did). The consent record keeps only the next number, so it stays the same size.
 */
import { randomToken } from '../tokens/random.ts';
import type { Provider } from '../provider.ts';
import type { StoredPayload } from '../storage/adapter.ts';

interface ClientConsent {
  scopes: string[];
  /** Grant n of this consent is stored as ('Consent', grantKey(epoch, n)). */
  grants: { epoch: string; next: number };
  grantedAt: number;
}

interface GrantAnchor extends StoredPayload {
  grantId: string;
}

function grantKey(epoch: string, n: number): string {
  return `#grant/${epoch}/${n}`;
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
    grants: previous?.grants ?? { epoch: randomToken(16), next: 0 },
    grantedAt: provider.now(),
  };
  await save(provider, sub, record);
}

export async function rememberGrant(provider: Provider, sub: string, clientId: string, grantId: string): Promise<void> {
  const record = await load(provider, sub);
  if (!Object.hasOwn(record.clients, clientId)) return;
  const grants = record.clients[clientId].grants;
  const n = grants.next++;
  await save(provider, sub, record);
  await provider.storage.upsert('Consent', grantKey(grants.epoch, n), { grantId } satisfies GrantAnchor, provider.config.ttl.consent);
}

/** Forgets the consent and revokes every token issued under it. */
export async function revokeConsent(provider: Provider, sub: string, clientId: string): Promise<boolean> {
  const record = await load(provider, sub);
  if (!Object.hasOwn(record.clients, clientId)) return false;
  const { grants } = record.clients[clientId];
  for (let n = 0; n < grants.next; n++) {
    const anchor = await provider.storage.find<GrantAnchor>('Consent', grantKey(grants.epoch, n));
    if (!anchor) continue; // revoked already, or expired
    await provider.storage.revokeByGrant(anchor.grantId);
    await provider.storage.destroy('Consent', grantKey(grants.epoch, n));
  }
  delete record.clients[clientId];
  await save(provider, sub, record);
  return true;
}
