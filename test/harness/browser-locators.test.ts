/**
 * Locators in messages: printed whole (exact and frame included), and a sign-in page the
 * configured locators do not fit named locator by locator, on the system Chromium against
 * a loopback IdP.
 */
import { describe, expect, it } from 'vitest';
import { describeLocator } from '../../harness/browser/locators.ts';
import { asPage, signInLogin, interactionUser, using, interactionIdpFixture } from './fixtures/interaction-idp.ts';

const fixture = interactionIdpFixture();
const { browserWith } = fixture;
const at = () => `at ${fixture.idp.base}`;

describe('describeLocator', () => {
  it('prints the whole locator, exact and frame included, in a fixed order and without anything else', () => {
    expect(describeLocator({ label: 'Password', exact: true })).toBe('{"label":"Password","exact":true}');
    expect(describeLocator({ frame: '#consent', exact: false, name: 'Allow', role: 'button' })).toBe('{"role":"button","name":"Allow","exact":false,"frame":"#consent"}');
    expect(describeLocator({ css: '#u', $comment: 'x' } as never)).toBe('{"css":"#u"}');
  });
});

describe('a sign-in page the locators do not fit', () => {
  it('lists each sign-in locator that matched nothing', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(`${fixture.idp.base}/odd-sign-in`, { user: interactionUser }));
      expect(outcome).toMatchObject({ reason: 'stopped', title: 'Sign in' });
      expect(outcome.problems).toEqual([
        `login.username {"label":"Email address"} matched nothing on "Sign in" ${at()}/odd-sign-in`,
        `login.password {"label":"Password","exact":true} matched nothing on "Sign in" ${at()}/odd-sign-in`,
        `login.submit {"role":"button","name":"Sign in"} matched nothing on "Sign in" ${at()}/odd-sign-in`,
      ]);
    });
  });

  it('stops with the missing submit button named, instead of throwing', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(`${fixture.idp.base}/no-button`, { user: interactionUser, timeoutMs: 3_000 }));
      expect(outcome.reason).toBe('stopped');
      expect(outcome.problems).toEqual([`login.submit {"role":"button","name":"Sign in"} matched nothing on "Sign in" ${at()}/no-button`]);
    });
  });
});
