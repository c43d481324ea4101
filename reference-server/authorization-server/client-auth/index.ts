/**
 * Client authentication for the token, introspection and revocation endpoints: find which
 * method the request presents, check that it is the one the client registered, and run
 * that method's module.
 */
import type { Context } from 'koa';
import type { TokenEndpointAuthMethod } from '../../config/types.ts';
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import { InvalidClient } from '../errors.ts';
import type { Params } from '../http/params.ts';
import { presentedCredentials, type PresentedCredentials } from './presented.ts';
import { clientSecretBasic } from './client-secret-basic.ts';
import { clientSecretPost } from './client-secret-post.ts';
import { privateKeyJwt } from './private-key-jwt.ts';
import { none } from './none.ts';

type AuthMethod = (client: Client, presented: PresentedCredentials, provider: Provider, endpointUrl: string) => Promise<void>;

export const authMethods: Record<TokenEndpointAuthMethod, AuthMethod> = {
  client_secret_basic: clientSecretBasic,
  client_secret_post: clientSecretPost,
  private_key_jwt: privateKeyJwt,
  none,
};

export async function authenticateClient(provider: Provider, ctx: Context, form: Params, endpointUrl: string): Promise<Client> {
  const presented = presentedCredentials(ctx, form, provider.config.faults);
  const client = await provider.clients.find(presented.clientId);
  if (!client) throw new InvalidClient('unknown client');
  if (client.authMethod !== presented.method) {
    throw new InvalidClient(`the client must authenticate with ${client.authMethod}, not ${presented.method}`);
  }
  await authMethods[presented.method](client, presented, provider, endpointUrl);
  return client;
}
