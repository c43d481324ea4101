/** The pure pieces of PAR, the device grant and registration: user codes, the form_post page, client metadata checks, and the config of the new endpoints. */
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../../reference-server/authorization-server/storage/memory.ts';
import { UserCodeAttempts } from '../../../reference-server/authorization-server/device/user-code-attempts.ts';
import { formatUserCode, generateUserCode, normalizeUserCode, userCodeAlphabet } from '../../../reference-server/authorization-server/device/user-code.ts';
import { formPostPage } from '../../../reference-server/authorization-server/authorize/form-post.ts';
import { checkClientMetadata, type SupportedMetadata } from '../../../reference-server/authorization-server/registration/client-metadata.ts';
import { resolveConfig, ReferenceConfigError } from '../../../reference-server/config/load.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';

describe('user codes (RFC 8628 §6.1)', () => {
  it('uses 20 consonants that no one confuses with a digit or another letter', () => {
    expect(userCodeAlphabet).toHaveLength(20);
    expect(userCodeAlphabet).not.toMatch(/[AEIOUY0-9]/);
  });

  it('draws eight letters, shown as XXXX-XXXX, spread over the whole alphabet', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generateUserCode();
      expect(code).toMatch(new RegExp(`^[${userCodeAlphabet}]{8}$`));
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(20);
    expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
  });

  it.each([
    ['BCDF-GHJK', 'BCDFGHJK'],
    ['bcdf-ghjk', 'BCDFGHJK'],
    ['bcdfghjk', 'BCDFGHJK'],
    [' BCDF GHJK ', 'BCDFGHJK'],
    ['BCDF--GHJK', 'BCDFGHJK'],
  ])('reads %j as %s', (typed, code) => {
    expect(normalizeUserCode(typed)).toBe(code);
  });

  it.each(['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', 'BCDF-GHJ1', 'BCDF_GHJK', 'x'.repeat(100)])('refuses %j', (typed) => {
    expect(normalizeUserCode(typed)).toBeUndefined();
  });
});

describe('the form_post page', () => {
  it('escapes the action and every name and value, and holds one fixed script', () => {
    const page = formPostPage('https://rp.example/cb?a=1&b="2"', { state: '"><script>alert(1)</script>', "na\"me": "it's & <b>" });
    expect(page).toContain('action="https://rp.example/cb?a=1&amp;b=&quot;2&quot;"');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toContain('name="na&quot;me" value="it&#39;s &amp; &lt;b&gt;"');
    expect(page.match(/<script>/g)).toEqual(['<script>']);
    expect(page).toContain('<script>document.forms[0].submit();</script>');
    expect(page).toContain('<noscript><button type="submit">Continue</button></noscript>');
  });
});

describe('client metadata (RFC 7591 §2)', () => {
  const supported: SupportedMetadata = {
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'],
    responseTypes: ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    authMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    scopes: ['openid', 'profile', 'api:read'],
    signingAlgs: ['ES256', 'RS256'],
  };
  const check = (input: Record<string, unknown>) => checkClientMetadata(input, 'the-id', supported);

  it('applies the defaults and makes a registered ClientConfig', () => {
    const { config, metadata } = check({ redirect_uris: ['https://a.example/cb'] });
    expect(config).toEqual({ client_id: 'the-id', role: 'registered', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: ['https://a.example/cb'] });
    expect(metadata).toEqual({ redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' });
  });

  it('writes response types in one order, so "token id_token code" is "code id_token token"', () => {
    const { config } = check({ redirect_uris: ['https://a.example/cb'], grant_types: ['authorization_code', 'implicit'], response_types: ['token id_token code'] });
    expect(config.response_types).toEqual(['code id_token token']);
  });

  it.each([
    ['https://a.example/cb', true],
    ['http://127.0.0.1:9000/cb', true],
    ['http://[::1]/cb', true],
    ['http://localhost/cb', true],
    ['com.example.app:/oauth2redirect', true],
    ['http://a.example/cb', false],
    ['https://a.example/cb#', false],
    ['myapp:/cb', false],
    ['data:text/html,hi', false],
    ['file:///etc/passwd', false],
  ])('redirect URI %s allowed: %s', (uri, allowed) => {
    const run = () => check({ redirect_uris: [uri] });
    if (allowed) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ error: 'invalid_redirect_uri' }));
  });

  it('accepts public keys for private_key_jwt and keeps them', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] };
    const { config } = check({ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks });
    expect(config.jwks).toEqual(jwks);
  });
});

describe('config of the issue-5 endpoints', () => {
  it('has defaults: PAR optional with 60 s request_uris, a 5 s device interval and 600 s codes, open registration', () => {
    const config = resolveConfig(defaultConfig);
    expect(config.pushedAuthorizationRequests).toEqual({ required: false });
    expect(config.deviceAuthorization).toEqual({ interval: 5, userCodeAttempts: 10 });
    expect(config.registration).toEqual({ enabled: true, unusedClientTtl: 86_400, perAddressPerHour: 100, perHour: 1000 });
    expect(config.ttl).toMatchObject({ pushedAuthorizationRequest: 60, deviceCode: 600 });
  });

  it.each([
    [{ pushedAuthorizationRequests: { required: 'yes' } }, /pushedAuthorizationRequests.required/],
    [{ pushedAuthorizationRequests: { requried: true } }, /requried is not a known field/],
    [{ deviceAuthorization: { interval: 0 } }, /deviceAuthorization.interval/],
    [{ deviceAuthorization: { interval: 2.5 } }, /deviceAuthorization.interval/],
    [{ deviceAuthorization: { userCodeAttempts: 0 } }, /deviceAuthorization.userCodeAttempts/],
    [{ registration: { initialAccessToken: 'short' } }, /initialAccessToken/],
    [{ registration: [] }, /registration must be an object/],
    [{ ttl: { deviceCode: -1 } }, /ttl.deviceCode/],
  ])('refuses %j', (extra, message) => {
    expect(() => resolveConfig({ ...defaultConfig, ...extra })).toThrow(ReferenceConfigError);
    expect(() => resolveConfig({ ...defaultConfig, ...extra })).toThrow(message);
  });
});

describe('user code attempts (RFC 8628 §5.1)', () => {
  it('refuses an address after its limit of wrong codes until its window is over, and no other address', async () => {
    const storage = new MemoryStorage();
    try {
      const attempts = new UserCodeAttempts(storage, 3, 1);
      for (let i = 0; i < 3; i++) {
        expect(await attempts.retryAfter('10.0.0.1')).toBe(0);
        await attempts.fail('10.0.0.1');
      }
      expect(await attempts.retryAfter('10.0.0.1')).toBe(1);
      expect(await attempts.retryAfter('10.0.0.2')).toBe(0);
      // The window is the limiter's own clock: poll until it ends (one second here).
      let waited = 0;
      while ((await attempts.retryAfter('10.0.0.1')) > 0 && waited < 3000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        waited += 50;
      }
      expect(await attempts.retryAfter('10.0.0.1')).toBe(0);
    } finally {
      await storage.close();
    }
  });
});
