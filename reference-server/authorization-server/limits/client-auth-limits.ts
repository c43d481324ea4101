/**
 * Client secret and assertion guessing at /token, /introspect, /revoke, /par and
 * /device_authorization (RFC 6749 §10.10, and §2.3.1: the AS "MUST protect any endpoint
 * utilizing [password authentication] against brute force attacks"): consecutive failures per
 * client_id and client address block that pair with back-off (failure-limit.ts). Checked before
 * the credentials are: a blocked pair is refused without being told whether it guessed right.
 */
import type { Provider } from '../provider.ts';
import { FailureLimit } from './failure-limit.ts';

export class ClientAuthLimits {
  private readonly limit: FailureLimit;

  constructor(provider: Provider) {
    this.limit = new FailureLimit(provider.storage, 'client-auth', provider.config.limits.clientAuthentication);
  }

  check(clientId: string, address: string): Promise<{ retryAfter: number; failures: number }> {
    return this.limit.check(`${clientId}|${address}`);
  }

  fail(clientId: string, address: string): Promise<number> {
    return this.limit.fail(`${clientId}|${address}`);
  }

  succeed(clientId: string, address: string): Promise<void> {
    return this.limit.succeed(`${clientId}|${address}`);
  }
}
