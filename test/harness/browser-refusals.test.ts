/**
 * Refusals that do not redirect, on the system Chromium against a loopback IdP: an error
 * page of any HTTP status and an empty 4xx (which Chromium replaces by its own error page)
 * come back from authorize() as page outcomes with the status, never as an exception.
 */
import { describe, expect, it } from 'vitest';
import { asPage, interactionLogin, signInLogin, interactionRedirectUri, interactionUser, using, interactionIdpFixture } from './fixtures/interaction-idp.ts';

const fixture = interactionIdpFixture();
const { browserWith } = fixture;

describe('refusals that do not redirect', () => {
  it('an error page with its HTTP status is a page outcome', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(`${fixture.idp.base}/error-500?redirect_uri=${encodeURIComponent(interactionRedirectUri)}`, { user: interactionUser }));
      expect(outcome).toMatchObject({ reason: 'stopped', status: 500, title: 'Server error', text: expect.stringContaining('Something went wrong') });
      expect(outcome.problems).toBeUndefined();
    });
  });

  it('an empty 400 that Chromium replaces by its own page is a page outcome with the refused URL and status', async () => {
    await using(browserWith(signInLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(`${fixture.idp.base}/empty-400`, { user: interactionUser }));
      expect(outcome).toMatchObject({ reason: 'stopped', status: 400, url: `${fixture.idp.base}/empty-400` });
    });
  });

  it('an empty 403 after consent is a page outcome too', async () => {
    await using(browserWith(interactionLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'refused', mode: 'empty-403' }), { user: interactionUser }));
      expect(outcome).toMatchObject({ reason: 'stopped', status: 403, url: `${fixture.idp.base}/consent`, consentDecision: 'approved' });
    });
  });
});
