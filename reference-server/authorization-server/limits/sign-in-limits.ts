/**
 * Password guessing at the sign-in form (RFC 6749 §10.10: the AS "MUST prevent attackers from
 * guessing ... resource owner passwords"): consecutive failures per account and client address
 * block that pair with back-off (failure-limit.ts), and all failures from one address in an hour
 * are capped too, so one address cannot try a few passwords on every account.
 */
import type { Provider } from '../provider.ts';
import { FailureLimit } from './failure-limit.ts';

export class SignInLimits {
  private readonly perAccount: FailureLimit;
  private readonly perAddress: FailureLimit;

  constructor(provider: Provider) {
    const settings = provider.config.limits.signIn;
    this.perAccount = new FailureLimit(provider.storage, 'sign-in-account', settings);
    this.perAddress = new FailureLimit(provider.storage, 'sign-in-address', { consecutiveFailures: settings.failuresPerAddressPerHour, blockSeconds: 3600, maxBlockSeconds: 3600 });
  }

  /** Seconds until this username may be tried again from this address (0 when it may now), and its failures. */
  async check(username: string, address: string): Promise<{ retryAfter: number; failures: number }> {
    const [account, all] = await Promise.all([this.perAccount.check(accountKey(username, address)), this.perAddress.check(address)]);
    return { retryAfter: Math.max(account.retryAfter, all.retryAfter), failures: account.failures };
  }

  /** A wrong username or password; resolves the seconds of a block it started (0 if none). */
  async fail(username: string, address: string): Promise<number> {
    const [account, all] = await Promise.all([this.perAccount.fail(accountKey(username, address)), this.perAddress.fail(address)]);
    return Math.max(account, all);
  }

  async succeed(username: string, address: string): Promise<void> {
    await this.perAccount.succeed(accountKey(username, address));
  }
}

/** Usernames match without regard to case (uid's matching rule): so do their counters. */
const accountKey = (username: string, address: string) => `${username.toLowerCase()}|${address}`;
