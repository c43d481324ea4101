/** What every grant handler gets: the authenticated client and the token request's form. */
import type { Context } from 'koa';
import type { Client } from '../clients.ts';
import type { Provider } from '../provider.ts';
import type { Params } from '../http/params.ts';
import type { DpopProof } from '../dpop/proof.ts';

export interface GrantContext {
  provider: Provider;
  ctx: Context;
  form: Params;
  client: Client;
  /** The request's verified DPoP proof (RFC 9449 §5), when it sent one. */
  dpop?: DpopProof;
}

/** Returns the token response body (RFC 6749 §5.1). */
export type GrantHandler = (grant: GrantContext) => Promise<Record<string, unknown>>;
