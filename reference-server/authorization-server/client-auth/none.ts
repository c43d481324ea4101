/** none (RFC 7591 §2): a public client only names itself; PKCE protects its codes instead. */
import type { Client } from '../clients.ts';
import type { PresentedCredentials } from './presented.ts';

export async function none(_client: Client, _presented: PresentedCredentials): Promise<void> {
  // Nothing to verify: that the client is registered for "none" was checked by the caller.
}
