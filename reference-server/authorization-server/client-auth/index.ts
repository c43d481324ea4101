/**
 * Client authentication for the token, introspection and revocation endpoints: find which
 * method the request presents, check that it is the one the client registered, and run
 * that method's module.
 */
import type { Context } from 'koa';
import type { TokenEndpointAuthMethod } from '../../config/types.ts';
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import { InvalidClient, TooManyAttempts } from '../errors.ts';
import { ClientAuthLimits } from '../limits/client-auth-limits.ts';
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

const limitsOf = new WeakMap<Provider, ClientAuthLimits>();

export async function authenticateClient(provider: Provider, ctx: Context, form: Params, endpointUrl: string): Promise<Client> {
  const presented = presentedCredentials(ctx, form, provider.config.faults);
  // FAULT clientAuthUnlimited (config/faults.ts, only to prove the harness): no limit on failed client authentications.
  const limits = provider.config.faults.clientAuthUnlimited ? undefined : limitsOf.get(provider) ?? limitsOf.set(provider, new ClientAuthLimits(provider)).get(provider)!;
  // A blocked client_id and address is refused before its credentials are checked, right or wrong.
  const counted = await limits?.check(presented.clientId, ctx.ip);
  const wait = counted?.retryAfter ?? 0;
  if (wait > 0) throw new TooManyAttempts(`too many failed client authentications; try again in ${wait} seconds`, wait);
  try {
    const client = await provider.clients.find(presented.clientId);
    if (!client) throw new InvalidClient('unknown client');
    if (client.authMethod !== presented.method) {
      throw new InvalidClient(`the client must authenticate with ${client.authMethod}, not ${presented.method}`);
    }
    await authMethods[presented.method](client, presented, provider, endpointUrl);
    if (counted?.failures) await limits!.succeed(presented.clientId, ctx.ip);
    return client;
  } catch (error) {
    if (!(error instanceof InvalidClient) || !limits) throw error;
    const blocked = await limits.fail(presented.clientId, ctx.ip);
    if (blocked > 0) throw new TooManyAttempts(`too many failed client authentications; try again in ${blocked} seconds`, blocked);
    throw error;
  }
}
