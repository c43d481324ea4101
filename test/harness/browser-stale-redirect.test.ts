/**
 * One authorize() call never takes a response of an earlier one, on the system Chromium
 * against a loopback IdP whose pages send a response late: a second frame after the first
 * response was returned, and a timer after the browser stopped on the page.
 */
import { describe, expect, it } from 'vitest';
import { FlowBrowser, type AuthorizeOutcome } from '../../harness/browser/flow-browser.ts';
import { asPage, signInLogin, using, interactionIdpFixture } from './fixtures/interaction-idp.ts';

const fixture = interactionIdpFixture();
const { browserWith } = fixture;

/** Every redirect the browser answered, in order, and a wait for the untaken (stale) one carrying `code`. */
function redirectLog() {
  const arrivals: Array<{ url: string; taken: boolean }> = [];
  const listeners = new Set<() => void>();
  return {
    hear: (arrival: { url: string; taken: boolean }) => {
      arrivals.push(arrival);
      for (const listener of listeners) listener();
    },
    /** Resolves once a redirect with this code arrived and no call took it. */
    staleArrived: (code: string) => new Promise<void>((resolve) => {
      const seen = () => arrivals.some((a) => !a.taken && new URL(a.url).searchParams.get('code') === code);
      if (seen()) return resolve();
      const listener = () => {
        if (!seen()) return;
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    }),
  };
}

describe('no stale redirect', () => {
  /**
   * Call 2 waits at /slow while the page of call 1 may send a frame to the redirect URI (gate
   * `late`). /slow answers, with a response of its own or with a page, once the late frame can
   * no longer come unseen: the browser answered it and no call took it, or the old page is
   * gone (closed with its request waiting at the gate). Call 2 must not return the old one.
   */
  async function secondCall(browser: FlowBrowser, log: ReturnType<typeof redirectLog>, name: string, answer: 'redirect' | 'page'): Promise<AuthorizeOutcome> {
    const before = fixture.idp.seen.filter((s) => s === 'GET /slow').length;
    const second = browser.authorize(fixture.idp.url({ state: 's2', gate: `${name}-slow`, answer }, '/slow'), { settleMs: 200 });
    await fixture.idp.arrived('GET /slow', before + 1);
    fixture.idp.open(`${name}-late`);
    await Promise.race([log.staleArrived('late'), fixture.idp.arrived(`DROPPED /gate ${name}-late`, 1)]);
    fixture.idp.open(`${name}-slow`);
    return second;
  }

  it('a second redirect issued by the previous page never reaches the next call', async () => {
    const log = redirectLog();
    await using(browserWith(signInLogin(), log.hear), async (browser) => {
      const first = await browser.authorize(fixture.idp.url({ state: 's1', gate: 'double-late' }, '/double'));
      expect(first).toMatchObject({ kind: 'redirect', params: { code: 'first', state: 's1' } });
      expect(await secondCall(browser, log, 'double', 'page')).toMatchObject({ kind: 'page', reason: 'stopped', title: 'Done' });
    });
  });

  it('a redirect that comes after the previous call stopped on its page never reaches the next call', async () => {
    const log = redirectLog();
    await using(browserWith(signInLogin(), log.hear), async (browser) => {
      const first = asPage(await browser.authorize(fixture.idp.url({ state: 's1', gate: 'stopped-late' }, '/late'), { settleMs: 200 }));
      expect(first).toMatchObject({ reason: 'stopped', title: 'Please wait' });
      expect(await secondCall(browser, log, 'stopped', 'redirect')).toMatchObject({ kind: 'redirect', params: { code: 'mine', state: 's2' } });
    });
  });
});
