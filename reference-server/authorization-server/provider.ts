/**
 * Everything an endpoint needs, in one object passed to each endpoint's register():
 * config, issuer, clients, keys, storage, and the LDAP-backed accounts and policies.
 */
import type { Clock } from '../clock.ts';
import type { ResolvedConfig } from '../config/load.ts';
import type { ClientRegistry } from './clients.ts';
import type { KeyStore } from './keys/keystore.ts';
import type { Storage } from './storage/adapter.ts';
import type { LdapAccounts } from './accounts/ldap-accounts.ts';
import type { ConsentPolicy } from './accounts/consent-policy.ts';
import type { GroupsClaim } from './accounts/groups-claim.ts';

export interface Provider {
  /** http://127.0.0.1:PORT, no trailing slash (RFC 8414 §2). */
  issuer: string;
  config: ResolvedConfig;
  clients: ClientRegistry;
  keys: KeyStore;
  storage: Storage;
  accounts: LdapAccounts;
  consentPolicy: ConsentPolicy;
  groupsClaim: GroupsClaim;
  /** The aud of access tokens: the resource server's identifier. */
  resourceAudience: string;
  /** Every identifier of the resource server a resource indicator may name (RFC 8707 §2): its audience and its protected resource's URL. */
  resourceIdentifiers: string[];
  /** Discovery metadata, assembled from the endpoints that are mounted. */
  metadata: Record<string, unknown>;
  /** Seconds since the epoch (one clock for every token). */
  now(): number;
  /** The clock now() reads, for what needs milliseconds (the device grant's polling interval). */
  clock: Clock;
}

export function endpointUrl(provider: Provider, path: string): string {
  return `${provider.issuer}${path}`;
}
