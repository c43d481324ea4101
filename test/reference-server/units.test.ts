/**
 * The pure parts of the reference server, in isolation: LDAP filter escaping, DN comparison,
 * storage TTL / single use / grant revocation, key rotation and retirement, at_hash and
 * c_hash, client secret hashing, scope and response_type parsing, and config validation.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { escapeFilterValue } from '../../reference-server/authorization-server/accounts/ldap-filter.ts';
import { normalizeDn, sameDn } from '../../reference-server/authorization-server/accounts/dn.ts';
import { MemoryStorage } from '../../reference-server/authorization-server/storage/memory.ts';
import { KeyStore } from '../../reference-server/authorization-server/keys/keystore.ts';
import { leftHalfHash } from '../../reference-server/authorization-server/tokens/hash-claim.ts';
import { ClientRegistry, secretMatches } from '../../reference-server/authorization-server/clients.ts';
import { parseScope } from '../../reference-server/authorization-server/scopes.ts';
import { canonicalResponseType } from '../../reference-server/authorization-server/authorize/response-types.ts';
import { loadConfig, resolveConfig, ReferenceConfigError } from '../../reference-server/config/load.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';
import type { ClientConfig } from '../../reference-server/config/types.ts';
import type { Provider } from '../../reference-server/authorization-server/provider.ts';
import { privateKeyJwt } from '../../reference-server/authorization-server/client-auth/private-key-jwt.ts';
import { importJWK, SignJWT } from 'jose';

describe('LDAP filter escaping (RFC 4515 §3)', () => {
  it('escapes the characters that would change a filter', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000')).toBe('a\\5cb\\00');
    expect(escapeFilterValue('alice')).toBe('alice');
  });
});

describe('DN comparison', () => {
  const dsmith = 'cn=Smith\\, Dave \\+ Co,ou=people,dc=nauthera,dc=test';

  it('treats spellings of the same DN as equal', () => {
    expect(sameDn(dsmith, 'CN=smith\\2c dave \\2b co, OU=People,DC=nauthera,DC=test')).toBe(true);
    expect(sameDn('uid=alice,ou=people,dc=nauthera,dc=test', 'UID=Alice , ou=people,dc=nauthera,dc=test')).toBe(true);
    expect(sameDn('cn=a+sn=b,dc=x', 'sn=b+cn=a,dc=x')).toBe(true);
  });

  it('tells different DNs apart, and never matches a DN that does not parse', () => {
    expect(sameDn(dsmith, 'cn=Smith,ou=people,dc=nauthera,dc=test')).toBe(false);
    expect(sameDn('uid=alice,ou=people,dc=nauthera,dc=test', 'uid=alice,ou=groups,dc=nauthera,dc=test')).toBe(false);
    expect(sameDn('no equals sign', 'no equals sign')).toBe(false);
    expect(sameDn('cn=x\\', 'cn=x\\')).toBe(false);
  });

  it('normalizes to one escape style', () => {
    expect(normalizeDn(dsmith)).toBe('cn=smith\\2c dave \\2b co,ou=people,dc=nauthera,dc=test');
  });
});

describe('memory storage', () => {
  it('expires records after their TTL', async () => {
    let now = 1_000_000;
    const storage = new MemoryStorage(() => now);
    await storage.upsert('AccessToken', 'a', { x: 1 }, 10);
    expect(await storage.find('AccessToken', 'a')).toEqual({ x: 1 });
    now += 10_000;
    expect(await storage.find('AccessToken', 'a')).toBeUndefined();
    await storage.close();
  });

  it('consumes once: only the first consume() wins, and the record stays findable', async () => {
    const storage = new MemoryStorage();
    await storage.upsert('AuthorizationCode', 'c', { grantId: 'g' }, 60);
    const results = await Promise.all([storage.consume('AuthorizationCode', 'c'), storage.consume('AuthorizationCode', 'c')]);
    expect(results.sort()).toEqual([false, true]);
    expect((await storage.find('AuthorizationCode', 'c'))?.consumed).toEqual(expect.any(Number));
    expect(await storage.consume('AuthorizationCode', 'missing')).toBe(false);
    await storage.close();
  });

  it('inserts once: only the first insert() of an id wins, until that record expires', async () => {
    let now = 1_000_000;
    const storage = new MemoryStorage(() => now);
    const results = await Promise.all([1, 2, 3].map((n) => storage.insert('ClientAssertion', 'j', { n }, 10)));
    expect(results).toEqual([true, false, false]);
    expect(await storage.find('ClientAssertion', 'j')).toEqual({ n: 1 });
    now += 10_000;
    expect(await storage.insert('ClientAssertion', 'j', { n: 4 }, 10)).toBe(true);
    await storage.close();
  });

  it('lets one of two requests with the same client assertion through, even when storage answers slowly', async () => {
    // A database adapter answers after a round trip, so two requests can both be between their
    // look-up and their write: reads here wait until two are in flight (or 1 s), writes 20 ms.
    // A find() then upsert() check let both requests through.
    let waiting: Array<() => void> = [];
    const roundTrip = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    class SlowStorage extends MemoryStorage {
      override async find<T extends Record<string, unknown>>(model: Parameters<MemoryStorage['find']>[0], id: string): Promise<T | undefined> {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= 2) { waiting.forEach((r) => r()); waiting = []; } else setTimeout(resolve, 1_000);
        });
        return super.find(model, id) as Promise<T | undefined>;
      }
      override async upsert(...args: Parameters<MemoryStorage['upsert']>): Promise<void> {
        await roundTrip(20);
        return super.upsert(...args);
      }
      override async insert(...args: Parameters<MemoryStorage['insert']>): Promise<boolean> {
        await roundTrip(20);
        return super.insert(...args);
      }
    }
    const config: ClientConfig = { client_id: 'svc', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
    const { registry, issued } = await ClientRegistry.create([config], { scopes: ['api:read'], defaultConsentGroup: 'cn=x' });
    const storage = new SlowStorage();
    const issuer = 'https://as.example';
    const provider = { issuer, now: () => Math.floor(Date.now() / 1000), config: { faults: {} }, storage } as unknown as Provider;
    const jwk = issued[0].private_jwk!;
    const signed = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).setIssuer('svc').setSubject('svc').setAudience(issuer)
      .setJti('once').setIssuedAt().setExpirationTime('2m').sign(await importJWK(jwk, 'ES256'));
    const presented = { method: 'private_key_jwt' as const, clientId: 'svc', assertion: signed };
    const outcomes = await Promise.allSettled([1, 2].map(() => privateKeyJwt(registry.configuredClient('svc')!, presented, provider, `${issuer}/token`)));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason)).toContain('client_assertion jti was already used');
    await storage.close();
  });

  it('revokes every record of a grant, across models, and nothing else', async () => {
    const storage = new MemoryStorage();
    await storage.upsert('AuthorizationCode', 'c', { grantId: 'g1' }, 60);
    await storage.upsert('AccessToken', 'a', { grantId: 'g1' }, 60);
    await storage.upsert('RefreshToken', 'r', { grantId: 'g1' }, 60);
    await storage.upsert('RefreshToken', 'other', { grantId: 'g2' }, 60);
    await storage.revokeByGrant('g1');
    expect(await storage.find('AuthorizationCode', 'c')).toBeUndefined();
    expect(await storage.find('AccessToken', 'a')).toBeUndefined();
    expect(await storage.find('RefreshToken', 'r')).toBeUndefined();
    expect(await storage.find('RefreshToken', 'other')).toBeDefined();
    await storage.close();
  });

  it('hands out copies, so callers cannot change what is stored', async () => {
    const storage = new MemoryStorage();
    const payload = { list: [1] };
    await storage.upsert('Session', 's', payload, 60);
    payload.list.push(2);
    const found = await storage.find<{ list: number[] }>('Session', 's');
    found!.list.push(3);
    expect((await storage.find<{ list: number[] }>('Session', 's'))!.list).toEqual([1]);
    await storage.close();
  });
});

describe('key rotation', () => {
  it('keeps a rotated-out key in the JWKS until it retires', async () => {
    let now = 5_000_000;
    const keys = await KeyStore.create({ algorithms: ['ES256', 'RS256'], retireAfterSeconds: 60, now: () => now });
    const oldKid = keys.signingKey('ES256').kid;
    await keys.rotate();
    expect(keys.signingKey('ES256').kid).not.toBe(oldKid);
    expect(keys.jwks().keys.map((k) => k.kid)).toContain(oldKid);
    now += 61_000;
    expect(keys.jwks().keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(keys.jwks().keys).toHaveLength(2);
  });
});

describe('at_hash and c_hash (OIDC Core Appendix A.4 examples)', () => {
  it('matches the specification', () => {
    expect(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(leftHalfHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256')).toBe('LDktKdoQak3Pk0cnXxCltA');
  });
});

describe('client secrets', () => {
  it('keeps only a hash of each secret and compares in constant time', async () => {
    const config: ClientConfig = { client_id: 'c', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], client_secret: 'the-secret' };
    const { registry } = await ClientRegistry.create([config], { scopes: ['api:read'], defaultConsentGroup: 'cn=g' });
    const client = registry.configuredClient('c')!;
    expect(JSON.stringify(client)).not.toContain('the-secret');
    expect(secretMatches(client, 'the-secret')).toBe(true);
    expect(secretMatches(client, 'the-secreT')).toBe(false);
    expect(secretMatches(client, '')).toBe(false);
  });

  it('accepts a config that holds only the SHA-256 of the secret', async () => {
    const hash = createHash('sha256').update('s3cret').digest('base64url');
    const { registry, issued } = await ClientRegistry.create(
      [{ client_id: 'c', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], client_secret_sha256: hash }],
      { scopes: [], defaultConsentGroup: 'cn=g' },
    );
    expect(secretMatches(registry.configuredClient('c')!, 's3cret')).toBe(true);
    expect(issued[0]!.client_secret).toBeUndefined();
  });

  it('generates a secret, or a key pair for private_key_jwt, when the config has none', async () => {
    const { issued } = await ClientRegistry.create(
      [
        { client_id: 'a', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
        { client_id: 'b', token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
      ],
      { scopes: [], defaultConsentGroup: 'cn=g' },
    );
    expect(issued[0]!.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued[1]!.private_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
  });
});

describe('scope and response_type parsing', () => {
  it('parses scope tokens and refuses characters RFC 6749 §3.3 forbids', () => {
    expect(parseScope('openid  profile openid')).toEqual(['openid', 'profile']);
    expect(() => parseScope('open"id')).toThrow(/RFC 6749/);
    expect(() => parseScope('é')).toThrow();
  });

  it('treats response_type values as a set', () => {
    expect(canonicalResponseType('token id_token code')).toBe('code id_token token');
    expect(canonicalResponseType(' code ')).toBe('code');
  });
});

describe('config', () => {
  it('accepts the default config', () => {
    const config = resolveConfig(defaultConfig);
    expect(config.clients.map((c) => c.role)).toEqual(expect.arrayContaining(['confidential', 'public', 'par', 'implicit', 'hybrid', 'device', 'service', 'service-post', 'service-jwt', 'opaque']));
    expect(config.users.map((u) => u.role).sort()).toEqual(['consent-leaver', 'escaped-dn', 'escaped-dn-edges', 'metacharacters', 'outsider', 'special', 'user']);
  });

  it.each([
    ['no clients', { clients: [] }, /clients must be a non-empty array/],
    ['an unknown auth method', { clients: [{ ...defaultConfig.clients[0], token_endpoint_auth_method: 'tls_client_auth' }] }, /token_endpoint_auth_method/],
    ['a redirect_uri with a fragment', { clients: [{ ...defaultConfig.clients[0], redirect_uris: ['https://x.example/cb#f'] }] }, /fragment/],
    ['a public client with a secret', { clients: [{ ...defaultConfig.clients[1], client_secret: 'x' }] }, /no secret/],
    ['a duplicate client_id', { clients: [defaultConfig.clients[0], defaultConfig.clients[0]] }, /appears twice/],
    ['an unknown scope', { clients: [{ ...defaultConfig.clients[0], scope: 'openid admin' }] }, /not a known scope/],
    ['a bad lifetime', { clients: defaultConfig.clients, ttl: { accessToken: -1 } }, /ttl.accessToken/],
    ['a bad device code lifetime of a client', { clients: [{ ...defaultConfig.clients[0], device_code_ttl: 0 }] }, /clients\[0\]\.device_code_ttl/],
    ['an unknown lifetime', { clients: defaultConfig.clients, ttl: { forever: 1 } }, /ttl.forever/],
    ['an unknown fault name', { clients: defaultConfig.clients, faults: { codesReusable: true } }, /faults/],
  ])('refuses %s with a message naming the field', (_name, config, message) => {
    expect(() => resolveConfig(config)).toThrow(ReferenceConfigError);
    expect(() => resolveConfig(config)).toThrow(message);
  });

  it('reads a JSON file, and names a missing or broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nauthera-config-'));
    try {
      const good = join(dir, 'good.json');
      await writeFile(good, JSON.stringify({ clients: [{ client_id: 'x', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }] }));
      expect((await loadConfig(good)).clients[0]!.client_id).toBe('x');
      const broken = join(dir, 'broken.json');
      await writeFile(broken, '{ nope');
      await expect(loadConfig(broken)).rejects.toThrow(/not valid JSON/);
      await expect(loadConfig(join(dir, 'missing.json'))).rejects.toThrow(/cannot read config file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
