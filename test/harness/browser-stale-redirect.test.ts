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

describe('no stale redirect', () => {
  /**
   * Call 2 waits at /slow while the page of call 1 sends a frame to the redirect URI (gate
   * `late`): the old page's response must not be call 2's. Then /slow answers, with a
   * response of its own or with a page.
   */
  async function secondCall(browser: FlowBrowser, name: string, answer: 'redirect' | 'page'): Promise<AuthorizeOutcome> {
    const before = fixture.idp.seen.filter((s) => s === 'GET /slow').length;
    const second = browser.authorize(fixture.idp.url({ state: 's2', gate: `${name}-slow`, answer }, '/slow'), { settleMs: 200 });
    await fixture.idp.arrived('GET /slow', before + 1);
    fixture.idp.open(`${name}-late`);
    await new Promise((r) => setTimeout(r, 1_000));
    fixture.idp.open(`${name}-slow`);
    return second;
  }

  it('a second redirect issued by the previous page never reaches the next call', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const first = await browser.authorize(fixture.idp.url({ state: 's1', gate: 'double-late' }, '/double'));
      expect(first).toMatchObject({ kind: 'redirect', params: { code: 'first', state: 's1' } });
      expect(await secondCall(browser, 'double', 'page')).toMatchObject({ kind: 'page', reason: 'stopped', title: 'Done' });
    });
  });

  it('a redirect that comes after the previous call stopped on its page never reaches the next call', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const first = asPage(await browser.authorize(fixture.idp.url({ state: 's1', gate: 'stopped-late' }, '/late'), { settleMs: 200 }));
      expect(first).toMatchObject({ reason: 'stopped', title: 'Please wait' });
      expect(await secondCall(browser, 'stopped', 'redirect')).toMatchObject({ kind: 'redirect', params: { code: 'mine', state: 's2' } });
    });
  });
});
