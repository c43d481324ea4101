/**
 * login.interactions on the system Chromium against a loopback IdP with more pages than a
 * sign-in form: an account picker, an interstitial and a consent page with checkboxes,
 * played as a bounded script, and a consent answer that cannot be given.
 */
import { describe, expect, it } from 'vitest';
import { interactionLimits } from '../../harness/target/model.ts';
import { asPage, interactionLogin, interactionRedirectUri, interactionUser, using, interactionIdpFixture } from './fixtures/interaction-idp.ts';

const fixture = interactionIdpFixture();
const { browserWith } = fixture;
const at = () => `at ${fixture.idp.base}`;

describe('login.interactions', () => {
  it('plays an account picker, an interstitial and a consent page with checkboxes, then approves', async () => {
    const consentsBefore = fixture.idp.consents.length;
    await using(browserWith(interactionLogin()), async (browser) => {
      const outcome = await browser.authorize(fixture.idp.url({ state: 'ok' }), { user: interactionUser });
      expect(outcome).toMatchObject({ kind: 'redirect', consentDecision: 'approved', params: { code: expect.any(String), state: 'ok', scope: 'profile email api:read' } });
      expect(fixture.idp.consents.slice(consentsBefore)).toEqual([{ decision: 'allow', scopes: ['profile', 'email', 'api:read'], remember: '30d' }]);
      expect(fixture.idp.picked.at(-1)).toBe('alice');
      // The session is kept across calls (each call has a page of its own): no sign-in the second time.
      const again = await browser.authorize(fixture.idp.url({ state: 'again' }), { user: interactionUser });
      expect(again).toMatchObject({ kind: 'redirect', consentDecision: 'approved', params: { state: 'again' } });
    });
  });

  it('answers the consent page with the deny action when asked to deny', async () => {
    await using(browserWith(interactionLogin()), async (browser) => {
      const outcome = await browser.authorize(fixture.idp.url({ state: 'no' }), { user: interactionUser, consent: 'deny' });
      expect(outcome).toMatchObject({ kind: 'redirect', consentDecision: 'denied', params: { error: 'access_denied', state: 'no' } });
      expect(fixture.idp.consents.at(-1)).toMatchObject({ decision: 'refuse' });
    });
  });

  it('names the action whose locator matched nothing, in full', async () => {
    const login = interactionLogin() as { interactions: Array<Record<string, unknown>> };
    login.interactions[1] = { name: 'terms', when: { role: 'heading', name: 'Before you continue' }, actions: [{ click: { role: 'link', name: 'Go on', exact: true, frame: '#terms' }, timeoutMs: 300 }] };
    await using(browserWith(login), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'terms' }), { user: interactionUser }));
      expect(outcome).toMatchObject({ reason: 'stopped', consentDecision: 'not-shown', title: 'Terms updated' });
      expect(outcome.problems).toEqual([`login.interactions[1].actions[0].click {"role":"link","name":"Go on","exact":true,"frame":"#terms"} matched nothing on "Terms updated" ${at()}/continue?client_id=rp&response_type=code&redirect_uri=${encodeURIComponent(interactionRedirectUri)}&state=terms`]);
    });
  });

  it(`stops after ${interactionLimits.pagesPerAuthorization} interaction pages in one authorization`, async () => {
    await using(browserWith(interactionLogin()), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'loop' }, '/loop'), { user: interactionUser }));
      expect(outcome.reason).toBe('stopped');
      expect(outcome.problems).toEqual([`login.interactions[1] ("terms") matches again after ${interactionLimits.pagesPerAuthorization} interaction pages in this authorization (at most ${interactionLimits.pagesPerAuthorization}) on "Terms updated" ${at()}/loop`]);
    });
  });
});

const consentOnly = (deny?: Record<string, unknown>) => ({
  ...interactionLogin(),
  interactions: (interactionLogin().interactions as unknown[]).slice(0, 2),
  consent: { approve: { role: 'button', name: 'Allow' }, ...(deny ? { deny } : {}) },
});

describe('login.consent, one more page after the script', () => {
  it('approves with login.consent as before', async () => {
    await using(browserWith(consentOnly({ role: 'button', name: 'Refuse' })), async (browser) => {
      const outcome = await browser.authorize(fixture.idp.url({ state: 'z' }), { user: interactionUser });
      // No boxes ticked: login.consent only clicks.
      expect(outcome).toMatchObject({ kind: 'redirect', consentDecision: 'approved', params: { state: 'z', scope: '' } });
    });
  });
});

describe('a consent answer that cannot be given', () => {
  it('stops without answering when the script has no deny action: the user never denied', async () => {
    const login = interactionLogin() as { interactions: Array<{ actions: Array<Record<string, unknown>> }> };
    login.interactions[2].actions = login.interactions[2].actions.filter((a) => a.decision !== 'deny');
    const consentsBefore = fixture.idp.consents.length;
    await using(browserWith(login), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'cannot-deny' }), { user: interactionUser, consent: 'deny' }));
      expect(outcome).toMatchObject({ reason: 'stopped', consentDecision: 'not-found', title: 'Grant access', status: 200 });
      expect(outcome.problems).toEqual([expect.stringMatching(/^login\.interactions\[2\] \("consent"\) has no action with "decision": "deny", so the consent page "Grant access" at http:\/\/127\.0\.0\.1:\d+\/consent\?\S+ could not be answered with deny$/)]);
      expect(fixture.idp.consents.length).toBe(consentsBefore);
    });
  });

  it('says not-found, instead of throwing or approving, when no deny locator is configured', async () => {
    const consentsBefore = fixture.idp.consents.length;
    await using(browserWith(consentOnly()), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'x' }), { user: interactionUser, consent: 'deny' }));
      expect(outcome).toMatchObject({ reason: 'stopped', consentDecision: 'not-found', title: 'Grant access' });
      expect(outcome.problems?.[0]).toMatch(/^login\.consent\.deny is not configured, so the consent page "Grant access" at \S+ could not be answered with deny$/);
      expect(fixture.idp.consents.length).toBe(consentsBefore);
    });
  });

  it('says not-found, naming the locator, when the deny locator matches nothing', async () => {
    await using(browserWith(consentOnly({ role: 'button', name: 'Deny', exact: true })), async (browser) => {
      const outcome = asPage(await browser.authorize(fixture.idp.url({ state: 'y' }), { user: interactionUser, consent: 'deny' }));
      expect(outcome).toMatchObject({ reason: 'stopped', consentDecision: 'not-found' });
      expect(outcome.problems?.[0]).toMatch(/^login\.consent\.deny \{"role":"button","name":"Deny","exact":true\} matched nothing on "Grant access" at http:\/\/127\.0\.0\.1:\d+\/consent\?/);
    });
  });
});
