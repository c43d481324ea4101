/**
 * How fast open registration may make clients: registration.perAddressPerHour from one client
 * address, and registration.perHour from all of them together (RFC 7591 §3: requests without an
 * initial access token "MAY be rate-limited or otherwise limited to prevent a denial-of-service
 * attack"). With the unused-client lifetime (lifetime.ts), the anonymous clients alive at once
 * stay under perHour × unusedClientTtl / 3600 plus those in use. The counters live in the
 * storage (Storage.limiter), so instances on one Redis count together. Only a registration that
 * passed the metadata checks is counted: a refused one leaves nothing behind.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Provider } from '../provider.ts';
import { StorageUnavailable } from '../storage/adapter.ts';
import { TooManyRegistrations } from './errors.ts';

export class RegistrationRateLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly global: RateLimiterAbstract;

  constructor(provider: Provider) {
    const { perAddressPerHour, perHour } = provider.config.registration;
    this.perAddress = provider.storage.limiter({ keyPrefix: 'registration-address', points: perAddressPerHour, duration: 3600 });
    this.global = provider.storage.limiter({ keyPrefix: 'registration-all', points: perHour, duration: 3600 });
  }

  /** Counts one registration from address; TooManyRegistrations (429) past either limit. */
  async take(address: string): Promise<void> {
    await consume(this.perAddress, address, 'from your address');
    await consume(this.global, 'all', 'on this server');
  }
}

async function consume(limiter: RateLimiterAbstract, key: string, where: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    // rate-limiter-flexible rejects with an Error when its store fails, with a RateLimiterRes when the key is over.
    if (refusal instanceof Error) throw new StorageUnavailable(`the registration limiter's store failed: ${refusal.message}`);
    const msBeforeNext = (refusal as { msBeforeNext?: number }).msBeforeNext ?? 1000;
    throw new TooManyRegistrations(`too many client registrations ${where}; try again later`, Math.max(1, Math.ceil(msBeforeNext / 1000)));
  }
}
