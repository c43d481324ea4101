/**
 * A flood of anonymous authorization requests. Each /authorize that needs a sign-in or a consent
 * stores an interaction (the request's parameters, ttl.interaction, default 10 minutes) before
 * anyone has signed in, so without a limit a caller could make the server keep as many as it can
 * send in ten minutes. New interactions are therefore counted per client address, in the storage
 * (Storage.limiter: instances on one Redis count together), and past the limit the request is
 * answered as RFC 6749 §4.1.2.1 provides for an authorization server "unable to handle the
 * request due to a temporary overloading": temporarily_unavailable, sent to the client's verified
 * redirect_uri like any other error, and nothing is stored. Resuming an interaction, and a request a signed-in user's remembered consent answers at once,
 * store nothing new and are not counted. The memory store's cap (memoryStore.maxRecords) is the
 * backstop for many addresses at once.
 */
import type { Context } from 'koa';
import type { Provider } from '../provider.ts';
import { StorageUnavailable } from '../storage/adapter.ts';
import { TemporarilyUnavailable } from '../errors.ts';

/** New interactions one client address may start per minute: far above a person or a harness run. */
export const newInteractionsPerAddressPerMinute = 300;

export async function admitNewInteraction(ctx: Context, provider: Provider): Promise<void> {
  const limiter = provider.storage.limiter({ keyPrefix: 'new-interactions', points: newInteractionsPerAddressPerMinute, duration: 60 });
  try {
    await limiter.consume(ctx.ip);
  } catch (refusal) {
    if (refusal instanceof Error) throw new StorageUnavailable(`the interaction limiter's store failed: ${refusal.message}`);
    throw new TemporarilyUnavailable('too many sign-ins were started from your address; try again in a minute');
  }
}
