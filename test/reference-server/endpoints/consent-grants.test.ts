/**
 * Remembered grants of a consent (interaction/consents.ts) on the real in-memory storage: the
 * consent record stays the same size however many grants are issued under it, and withdrawing
 * the consent still revokes the tokens of every one of them, and of no other user or client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { grantConsent, listConsents, rememberGrant, revokeConsent } from '../../../reference-server/authorization-server/interaction/consents.ts';
import type { Provider } from '../../../reference-server/authorization-server/provider.ts';
import { MemoryStorage } from '../../../reference-server/authorization-server/storage/memory.ts';

let storage: MemoryStorage;
afterEach(() => storage?.close());

function provider(): Provider {
  storage = new MemoryStorage();
  // Only what consents.ts reads of a provider.
  return { storage, config: { ttl: { consent: 3600 } }, now: () => Math.floor(Date.now() / 1000) } as unknown as Provider;
}

async function issue(p: Provider, sub: string, clientId: string, grantId: string): Promise<void> {
  await p.storage.upsert('RefreshToken', `rt-${grantId}`, { grantId, sub, clientId }, 3600);
  await rememberGrant(p, sub, clientId, grantId);
}

describe('grants remembered under a consent', () => {
  it('keeps the consent record the same size however many grants are issued', async () => {
    const p = provider();
    await grantConsent(p, 'alice', 'app', ['openid']);
    await issue(p, 'alice', 'app', 'g0');
    const after1 = JSON.stringify(await p.storage.find('Consent', 'alice')).length;
    for (let i = 1; i < 200; i++) await issue(p, 'alice', 'app', `g${i}`);
    const after200 = JSON.stringify(await p.storage.find('Consent', 'alice')).length;
    expect(after200 - after1).toBeLessThanOrEqual(2); // the counter's digits
  });

  it('revokes every grant of that user and client when the consent is withdrawn, and no other', async () => {
    const p = provider();
    await grantConsent(p, 'alice', 'app', ['openid']);
    await grantConsent(p, 'alice', 'other', ['openid']);
    await grantConsent(p, 'bob', 'app', ['openid']);
    for (let i = 0; i < 5; i++) await issue(p, 'alice', 'app', `a${i}`);
    await issue(p, 'alice', 'other', 'o0');
    await issue(p, 'bob', 'app', 'b0');
    // A grant revoked on its own (code reuse) is simply skipped later.
    await p.storage.revokeByGrant('a2');

    expect(await revokeConsent(p, 'alice', 'app')).toBe(true);
    for (let i = 0; i < 5; i++) expect(await p.storage.find('RefreshToken', `rt-a${i}`)).toBeUndefined();
    expect(await p.storage.find('RefreshToken', 'rt-o0')).toBeDefined();
    expect(await p.storage.find('RefreshToken', 'rt-b0')).toBeDefined();
    expect((await listConsents(p, 'alice')).map((c) => c.clientId)).toEqual(['other']);
    expect(await revokeConsent(p, 'alice', 'app')).toBe(false);
  });

  it('starts a new consent afresh: grants issued after a withdrawal are revoked by the next one', async () => {
    const p = provider();
    await grantConsent(p, 'alice', 'app', ['openid']);
    await issue(p, 'alice', 'app', 'old');
    await revokeConsent(p, 'alice', 'app');
    await grantConsent(p, 'alice', 'app', ['openid']);
    await issue(p, 'alice', 'app', 'new');
    expect(await p.storage.find('RefreshToken', 'rt-new')).toBeDefined();
    await revokeConsent(p, 'alice', 'app');
    expect(await p.storage.find('RefreshToken', 'rt-new')).toBeUndefined();
  });
});
