/** client_secret_post (RFC 6749 §2.3.1): the secret in the form body. */
import type { Client } from '../clients.ts';
import { secretMatches } from '../clients.ts';
import { InvalidClient } from '../errors.ts';
import type { PresentedCredentials } from './presented.ts';

export async function clientSecretPost(client: Client, presented: PresentedCredentials): Promise<void> {
  if (!presented.secret || !secretMatches(client, presented.secret)) throw new InvalidClient('invalid client secret');
}
