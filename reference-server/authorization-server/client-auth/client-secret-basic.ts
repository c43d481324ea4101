/** client_secret_basic (RFC 6749 §2.3.1): the secret in the Authorization header. */
import type { Client } from '../clients.ts';
import { secretMatches } from '../clients.ts';
import { InvalidClient } from '../errors.ts';
import type { PresentedCredentials } from './presented.ts';

export async function clientSecretBasic(client: Client, presented: PresentedCredentials): Promise<void> {
  if (!presented.secret || !secretMatches(client, presented.secret)) throw new InvalidClient('invalid client secret');
}
