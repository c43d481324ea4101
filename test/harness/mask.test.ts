/** Secret masking of recorded evidence (pure logic; the engine test checks it on real exchanges). */
import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../harness/http/client.ts';
import { maskBody, maskHeaders, maskUrl } from '../../harness/http/mask.ts';

describe('masking', () => {
  it('hides credentials and shortens tokens in headers', () => {
    expect(maskHeaders({
      Authorization: 'Basic d2ViLWFwcDpzM2NyZXQ=',
      'proxy-authorization': 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.sig',
      cookie: 'sid=abcdef0123456789; theme=dark',
      'set-cookie': 'sid=abcdef0123456789; Path=/; HttpOnly',
      'content-type': 'application/json',
    })).toEqual({
      Authorization: 'Basic ****',
      'proxy-authorization': 'Bearer eyJhbG…(40 chars)',
      cookie: 'sid=abcdef…(16 chars); theme=****(4 chars)',
      'set-cookie': 'sid=abcdef…(16 chars); Path=/; HttpOnly',
      'content-type': 'application/json',
    });
  });

  it('masks front-channel parameters in query and fragment, readably', () => {
    expect(maskUrl('https://rp.example/cb?code=0123456789abcdef&state=xyz#access_token=tok-0123456789&token_type=Bearer'))
      .toBe('https://rp.example/cb?code=012345…(16 chars)&state=xyz#access_token=tok-01…(14 chars)&token_type=Bearer');
    expect(maskUrl('ldap://admin:pw@host/')).toBe('ldap://admin:****@host/');
  });

  it('masks form and JSON bodies by key, JWK private members included', () => {
    expect(maskBody('grant_type=refresh_token&refresh_token=rt-0123456789abc&client_secret=s&code_verifier=v', 'application/x-www-form-urlencoded'))
      .toBe('grant_type=refresh_token&refresh_token=rt-012…(16 chars)&client_secret=****&code_verifier=****');
    const json = JSON.parse(maskBody(JSON.stringify({
      access_token: 'at-0123456789abcdef', id_token: 'short', expires_in: 300,
      client_secret: 'x', keys: [{ kty: 'EC', crv: 'P-256', x: 'pub', d: 'private' }], password: 'p',
    }), 'application/json; charset=utf-8'));
    expect(json).toEqual({
      access_token: 'at-012…(19 chars)', id_token: '****(5 chars)', expires_in: 300,
      client_secret: '****', keys: [{ kty: 'EC', crv: 'P-256', x: 'pub', d: '****' }], password: '****',
    });
  });

  it('masks the token of revocation and introspection, a pushed request_uri and a user_code', () => {
    expect(maskBody('token=2YotnFZFEjr1zCsicMWpAA&token_type_hint=access_token', 'application/x-www-form-urlencoded'))
      .toBe('token=2YotnF…(22 chars)&token_type_hint=access_token');
    expect(maskUrl('https://as.example/authorize?client_id=par&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A6esc_11ACC5bwc014ltc14eY22c'))
      .toBe('https://as.example/authorize?client_id=par&request_uri=urn:ietf:params:oauth:request_uri:6esc_1…(27 chars)');
    expect(JSON.parse(maskBody(JSON.stringify({ device_code: 'GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS', user_code: 'WDJB-MJHT', interval: 5 }), 'application/json')))
      .toEqual({ device_code: 'GmRhmh…(41 chars)', user_code: '****(9 chars)', interval: 5 });
  });

  it('scrubs every secret the harness handled from any text, raw or percent-encoded, leaving words alone', async () => {
    const { noteSecretsInBody, noteSecretsInHeaders, noteSecretsInUrl, scrubHandledSecrets } = await import('../../harness/http/handled-secrets.ts');
    noteSecretsInUrl('https://rp.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyzABC123#id_token=eyJhbGciOi.eyJzdWIi.c2ln');
    noteSecretsInBody('{"access_token":"mF_9.B5f-4.1JqM","refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","token_type":"Bearer"}', 'application/json');
    noteSecretsInBody('token=invalid&client_secret=wrong-secret', 'application/x-www-form-urlencoded');
    noteSecretsInHeaders({ authorization: 'Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tOmNsaWVudHNlY3JldA' });
    expect(scrubHandledSecrets('the code SplxlOBeZQQYbYS6WxSbIA was redeemed twice; refresh tGzv3JOkF0XG5Qx2TlKWIA; at mF_9.B5f-4.1JqM'))
      .toBe('the code SplxlO…(22 chars) was redeemed twice; refresh tGzv3J…(22 chars); at mF_9.B…(15 chars)');
    expect(scrubHandledSecrets('id_token=eyJhbGciOi.eyJzdWIi.c2ln bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tOmNsaWVudHNlY3JldA'))
      .toBe('id_token=eyJhbG…(24 chars) bearer vF9dft…(56 chars)');
    // The state is no secret; words sent as deliberate wrong values stay readable.
    expect(scrubHandledSecrets('state xyzABC123 → invalid_grant, wrong-secret refused')).toBe('state xyzABC123 → invalid_grant, wrong-secret refused');
  });

  it('keeps other bodies as they are, truncating very long ones', () => {
    expect(maskBody('<p>hello</p>', 'text/html')).toBe('<p>hello</p>');
    expect(maskBody('x'.repeat(70_000), 'text/plain')).toMatch(/^x{65536}\n… \(4464 more characters not recorded\)$/);
  });

  it('encodes Basic credentials as RFC 6749 §2.3.1 says (form-urlencoded first)', () => {
    const header = basicAuthorization('client id', 'p@ss:w/rd');
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('client+id:p%40ss%3Aw%2Frd');
  });
});

describe('protocol helpers', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B, and fresh 43-character verifiers', async () => {
    const { pkce, pkceChallenge, withQuery } = await import('../../harness/flow/oauth.ts');
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const a = pkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(pkce().verifier).not.toBe(a.verifier);
    expect(withQuery('https://as.example/authorize?x=1', { client_id: 'c d', state: undefined, max_age: 0 })).toBe('https://as.example/authorize?x=1&client_id=c+d&max_age=0');
  });
});
