/**
 * Guessing is limited (RFC 6749 §10.10, §2.3.1; OWASP Authentication Cheat Sheet): wrong
 * passwords for one account from one address, and failed client authentications for one
 * client_id, block that pair with a 429 and Retry-After (the right credentials too, while
 * blocked), only for a while, and not for another account; an unknown username costs the same
 * LDAP work as a wrong password. Real slapd, real HTTP; blocks of one second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { LdapAccounts } from '../../../reference-server/authorization-server/accounts/ldap-accounts.ts';
import { ldapSettingsFor } from '../../../reference-server/authorization-server/accounts/ldap-connection.ts';
import { authorize, redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, user } from '../support/oauth.ts';

let ref: RunningReference;
const limits = {
  signIn: { consecutiveFailures: 3, blockSeconds: 1, maxBlockSeconds: 2 },
  clientAuthentication: { consecutiveFailures: 3, blockSeconds: 1, maxBlockSeconds: 2 },
};
beforeAll(async () => {
  ref = await startReferenceServer({ config: { ...defaultConfig, limits } });
});
afterAll(async () => {
  await ref?.stop();
});

function signIn(username: string, password: string) {
  const params = { client_id: client(ref, 'confidential').client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
  return authorize(ref, params, { signIn: { username, password } });
}

/** Polls until check() holds, for at most `ms`: the block ends on the limiter's clock. */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

describe('sign-in', () => {
  it('blocks an account from an address after consecutive wrong passwords, the right one too, for a while', async () => {
    const alice = user(ref, 'user');
    for (let i = 0; i < 3; i++) {
      const wrong = await signIn(alice.username, `wrong-${i}`);
      expect(wrong.status).toBe(200);
      expect(wrong.page).toContain('Invalid username or password.');
    }
    const blocked = await signIn(alice.username, 'wrong-again');
    expect(blocked.status).toBe(429);
    expect(blocked.page).toMatch(/Too many failed sign-ins\. Try again in \d+ seconds\./);
    // While blocked, the right password is refused the same way: the block tells nothing.
    expect((await signIn(alice.username, alice.password)).status).toBe(429);
    // Another account from the same address is not blocked.
    const bob = user(ref, 'outsider');
    expect((await signIn(bob.username, bob.password)).seen).toContain('login');
    expect((await signIn(bob.username, bob.password)).status).not.toBe(429);
    // The block ends, and the right password signs alice in.
    expect(await eventually(async () => (await signIn(alice.username, alice.password)).response?.get('code') !== undefined)).toBe(true);
  });
});

describe('client authentication', () => {
  it('blocks a client_id from an address after consecutive failures, answering 429 with Retry-After', async () => {
    const service = client(ref, 'service');
    const token = (secret: string) => postForm(`${ref.issuer}/token`, { grant_type: 'client_credentials' }, { clientId: service.client_id, secret });
    for (let i = 0; i < 3; i++) expect((await token(`wrong-${i}`)).status).toBe(401);
    const blocked = await token('wrong-again');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(blocked.body.error).toBe('temporarily_unavailable');
    expect((await token(service.client_secret!)).status).toBe(429);
    // Another client is not blocked.
    const other = client(ref, 'service-post');
    expect((await postForm(`${ref.issuer}/token`, { grant_type: 'client_credentials', client_id: other.client_id, client_secret: other.client_secret! })).status).toBe(200);
    expect(await eventually(async () => (await token(service.client_secret!)).status === 200)).toBe(true);
  });
});

describe('refusal time', () => {
  it('refuses an unknown username with the same LDAP work as a wrong password for a known one', async () => {
    const accounts = new LdapAccounts(ldapSettingsFor(ref.ldap));
    try {
      const time = async (username: string) => {
        const started = performance.now();
        expect(await accounts.authenticate(username, 'not-the-password')).toBeUndefined();
        return performance.now() - started;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      // Interleaved, so that the machine's load falls on both alike.
      for (let i = 0; i < 40; i++) {
        known.push(await time('alice'));
        unknown.push(await time(`nobody-${i}`));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const ratio = median(unknown) / median(known);
      // Without the refused bind an unknown name skips a round trip to the directory.
      expect(ratio, `unknown ${median(unknown).toFixed(2)} ms, known ${median(known).toFixed(2)} ms`).toBeGreaterThan(0.7);
      // Nothing makes an unknown name slower; the bound is loose only for a loaded machine's noise.
      expect(ratio, `unknown ${median(unknown).toFixed(2)} ms, known ${median(known).toFixed(2)} ms`).toBeLessThan(2);
    } finally {
      await accounts.close();
    }
  });
});
