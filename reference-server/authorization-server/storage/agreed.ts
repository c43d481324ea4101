/**
 * Values made once and then shared: the first instance to start on a store makes them, and every
 * other instance (and every restart) reads the same ones. The cookie keys and the credentials
 * generated for configured clients are such values: two instances that made their own would
 * refuse each other's cookies and secrets.
 */
import type { Storage, StoredPayload } from './adapter.ts';

/** They outlive any session or token; the storage wants a time to live all the same. */
const lifetimeSeconds = 10 * 365 * 24 * 3600;

export async function agreed<T extends StoredPayload>(storage: Storage, id: string, make: () => Promise<T>): Promise<T> {
  const existing = await storage.find<T>('ServerSecrets', id);
  if (existing) return existing;
  const mine = await make();
  // insert() decides atomically: an instance that lost the race reads the winner's.
  if (await storage.insert('ServerSecrets', id, mine, lifetimeSeconds)) return mine;
  return (await storage.find<T>('ServerSecrets', id)) ?? mine;
}
