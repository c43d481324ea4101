/**
 * Sign-in against LDAP and consent verified against the LDAP consent group, with the AS
 * session between requests: prompt (none, login, consent), max_age, login_hint, consent
 * remembered per user and client and revocable, CSRF on the forms. The pages are driven with
 * fetch and a cookie jar here; sign-in-browser.test.ts drives them with Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { authorize, CookieJar, formAction, hiddenField, redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, user } from '../support/oauth.ts';
import { codeFor, exchange, tokensFor } from '../support/flows.ts';

let ref: RunningReference;
const clock = new MovingClock();

beforeAll(async () => {
  ref = await startReferenceServer({ clock });
});
afterAll(async () => {
  await ref?.stop();
});

function params(role: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: client(ref, role).client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra };
}

async function userinfo(accessToken: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('LDAP sign-in', () => {
  it('signs alice in and reads her claims from LDAP', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
    const claims = await userinfo(tokens.access_token as string);
    expect(claims).toMatchObject({ name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', email: 'alice@nauthera.test', preferred_username: 'alice', groups: ['engineering', 'nauthera-consent'] });
    expect(claims.sub).toBe(decodeJwt(tokens.id_token as string).sub);
  });

  it('signs in the user whose DN needs escaping (cn=Smith\\, Dave \\+ Co)', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'escaped-dn'));
    const claims = await userinfo(tokens.access_token as string);
    expect(claims).toMatchObject({ name: 'Smith, Dave + Co', preferred_username: 'dsmith', groups: ['nauthera-consent'] });
  });

  it('signs in carol, whose password holds filter, DN and URL special characters', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'special'));
    expect((await userinfo(tokens.access_token as string)).preferred_username).toBe('carol');
  });

  it('keeps the same sub for the same user across sign-ins', async () => {
    const a = await tokensFor(ref, 'confidential', user(ref, 'user'));
    const b = await tokensFor(ref, 'public', user(ref, 'user'));
    expect(decodeJwt(a.id_token as string).sub).toBe(decodeJwt(b.id_token as string).sub);
  });

  it('shows the sign-in page again, with an error, for a wrong password', async () => {
    const outcome = await authorize(ref, params('confidential'), { signIn: { username: 'alice', password: 'wrong' } });
    expect(outcome.callback).toBeUndefined();
    expect(outcome.seen).toEqual(['login', 'login-error']);
    expect(outcome.page).toContain('Invalid username or password.');
    expect(outcome.page).not.toContain('wrong');
  });

  it.each([
    ['an unknown user', { username: 'mallory', password: 'x' }],
    ['an empty password (which LDAP would take as an anonymous bind)', { username: 'alice', password: '' }],
    ['a filter injection in the username', { username: '*)(uid=*', password: 'Alice-Passw0rd' }],
    ['a wildcard username', { username: '*', password: 'Alice-Passw0rd' }],
  ])('refuses %s', async (_name, signIn) => {
    const outcome = await authorize(ref, params('confidential'), { signIn });
    expect(outcome.callback).toBeUndefined();
    expect(outcome.seen).toContain('login-error');
  });
});

describe('consent checked against the LDAP consent group', () => {
  it('sends access_denied to the client when bob, outside the consent group, clicks Allow', async () => {
    const outcome = await authorize(ref, params('confidential'), { signIn: user(ref, 'outsider') });
    expect(outcome.seen).toEqual(['login', 'consent']);
    expect(outcome.response!.get('error')).toBe('access_denied');
    expect(outcome.response!.get('error_description')).toMatch(/consent group/);
    expect(outcome.response!.get('iss')).toBe(ref.issuer);
    expect(outcome.response!.get('state')).toBe('s');
  });

  it('sends access_denied when the user clicks Deny', async () => {
    // prompt=consent: alice has allowed this client already in this file.
    const outcome = await authorize(ref, params('confidential', { prompt: 'consent' }), { signIn: user(ref, 'user'), decision: 'deny' });
    expect(outcome.response!.get('error')).toBe('access_denied');
  });
});

// dsmith and the opaque client: a pair no other test in this file has consented.
describe('session, prompt, max_age and login_hint', () => {
  const jar = new CookieJar();
  const role = 'opaque';
  let firstAuthTime: number;

  it('asks to sign in and consent the first time', async () => {
    const tokens = await tokensFor(ref, role, user(ref, 'escaped-dn'), { jar });
    expect(tokens.flow.outcome.seen).toEqual(['login', 'consent']);
    firstAuthTime = decodeJwt(tokens.id_token as string).auth_time as number;
  });

  it('asks nothing the second time: the session and the consent are remembered', async () => {
    const outcome = await authorize(ref, params(role), { jar });
    expect(outcome.seen).toEqual([]);
    expect(outcome.response!.get('code')).toBeTruthy();
  });

  it('answers prompt=none with a code when nothing is needed', async () => {
    const outcome = await authorize(ref, params(role, { prompt: 'none' }), { jar });
    expect(outcome.response!.get('code')).toBeTruthy();
  });

  it('answers prompt=none with consent_required for a client not yet allowed', async () => {
    const outcome = await authorize(ref, params('public', { prompt: 'none' }), { jar });
    expect(outcome.response!.get('error')).toBe('consent_required');
  });

  it('asks for consent again with prompt=consent', async () => {
    const outcome = await authorize(ref, params(role, { prompt: 'consent' }), { jar });
    expect(outcome.seen).toEqual(['consent']);
    expect(outcome.response!.get('code')).toBeTruthy();
  });

  it('asks for consent again when more scopes are requested', async () => {
    const outcome = await authorize(ref, params(role, { scope: 'openid profile api:write' }), { jar });
    expect(outcome.seen).toEqual(['consent']);
  });

  it('asks to sign in again with prompt=login, and auth_time moves', async () => {
    clock.advance(1.1);
    const flow = await codeFor(ref, role, { jar, signIn: user(ref, 'escaped-dn'), scope: 'openid profile', extra: { prompt: 'login' } });
    expect(flow.outcome.seen).toEqual(['login']);
    const tokens = await exchange(ref, role, flow);
    expect(decodeJwt(tokens.body.id_token as string).auth_time).toBeGreaterThan(firstAuthTime);
  });

  it('asks to sign in again with max_age=0, but not with a generous max_age', async () => {
    const strict = await authorize(ref, params(role, { max_age: '0' }), { jar, signIn: user(ref, 'escaped-dn') });
    expect(strict.seen).toEqual(['login']);
    const generous = await authorize(ref, params(role, { max_age: '3600' }), { jar });
    expect(generous.seen).toEqual([]);
    expect(generous.response!.get('code')).toBeTruthy();
  });

  it('answers prompt=none with login_required when max_age has passed', async () => {
    clock.advance(1.1);
    const outcome = await authorize(ref, params(role, { prompt: 'none', max_age: '0' }), { jar });
    expect(outcome.response!.get('error')).toBe('login_required');
  });

  it('prefills the username from login_hint, and does not reuse a session of another user', async () => {
    const outcome = await authorize(ref, params(role, { login_hint: 'carol' }), { jar });
    expect(outcome.seen).toEqual([]);
    expect(outcome.page).toContain('id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" value="carol"');
  });
});

describe('consent remembered and revocable', () => {
  it('revokes a consent from /account/consents: the tokens die and the next request asks again', async () => {
    const jar = new CookieJar();
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'special'), { jar });
    expect((await authorize(ref, params('confidential'), { jar })).seen).toEqual([]);

    const list = await fetch(`${ref.issuer}/account/consents`, { headers: { cookie: jar.header() } });
    const page = await list.text();
    expect(list.status).toBe(200);
    expect(page).toContain('Confidential web app');
    const csrf = hiddenField(page, 'csrf')!;

    const forged = await fetch(`${ref.issuer}/account/consents/revoke`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'confidential', csrf: 'forged' }) });
    expect(forged.status).toBe(403);

    const revoke = await fetch(`${ref.issuer}/account/consents/revoke`, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'confidential', csrf }) });
    expect(revoke.status).toBe(303);

    const rs = client(ref, 'resource-server');
    expect((await postForm(`${ref.issuer}/introspect`, { token: tokens.access_token as string }, { clientId: rs.client_id, secret: rs.client_secret! })).body.active).toBe(false);
    expect((await authorize(ref, params('confidential'), { jar })).seen).toEqual(['consent']);
  });
});

describe('forms are CSRF-protected and bound to the browser', () => {
  it('refuses a sign-in POST without the CSRF token, or from another browser', async () => {
    const jar = new CookieJar();
    const start = await authorize(ref, params('confidential'), { jar });
    const action = new URL(formAction(start.page!)!, ref.issuer);
    const csrf = hiddenField(start.page!, 'csrf')!;
    const post = (cookie: string, fields: Record<string, string>) =>
      fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const alice = user(ref, 'user');
    expect((await post(jar.header(), { username: alice.username, password: alice.password })).status).toBe(403);
    expect((await post('', { csrf, username: alice.username, password: alice.password })).status).toBe(403);
    const ok = await post(jar.header(), { csrf, username: alice.username, password: alice.password });
    expect(ok.status).toBe(303);
  });

  it('shows an error page for an unknown or expired interaction', async () => {
    const response = await fetch(`${ref.issuer}/interaction/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('id="error-code"');
  });
});
