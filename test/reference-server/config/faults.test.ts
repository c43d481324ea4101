/**
 * The reference server's deliberate faults (config.faults, reference-server/config/faults.ts),
 * which exist only to prove the harness: each one really changes what the server does, and
 * only that. Every attack runs against a correct server (refused) and against a server with
 * just that fault on (let through), over real HTTP with one shared slapd. The harness side
 * (each fault fails exactly the check named for it) is test/faults/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceTarget } from '../../../harness/target/reference.ts';
import { decodeJwt, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import { startDirectory, type Directory } from '../../../fixtures/ldap/index.ts';
import { faultDescriptions, faultNames, startReferenceServer, ReferenceConfigError, type FaultName, type RunningReference } from '../../../reference-server/index.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { resolveConfig } from '../../../reference-server/config/load.ts';
import { faultWarning } from '../../../reference-server/config/faults.ts';
import { authorize, redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, tokenRequest, user } from '../support/oauth.ts';
import { codeFor, exchange, tokensFor } from '../support/flows.ts';
import { faultProofs } from '../../faults/proofs/index.ts';

let directory: Directory;
const servers: RunningReference[] = [];
let correct: RunningReference;

async function start(faults: Partial<Record<FaultName, boolean>>): Promise<RunningReference> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const ref = await startReferenceServer({ config: { ...defaultConfig, faults }, directory });
    servers.push(ref);
    return ref;
  } finally {
    warn.mockRestore();
  }
}

beforeAll(async () => {
  directory = await startDirectory();
  correct = await start({});
});
afterAll(async () => {
  for (const ref of servers.splice(0)) await ref.stop();
  await directory?.stop();
});

describe('config.faults', () => {
  it('knows exactly the faults the catalogue proves (test/faults/proofs/), each with the rule it breaks', () => {
    expect([...faultNames].sort()).toEqual(faultProofs.map((p) => p.fault).sort());
    for (const name of faultNames) expect(faultDescriptions[name], name).toMatch(/\(breaks [^)]+§[^)]+\)$/);
  });

  it.each([
    ['an unknown fault, naming the known ones', { codesReusable: true }, /faults\.codesReusable is not a known fault \(known: reusableCodes, prefixRedirectUri, .*\)/],
    ['a fault that is not a boolean', { omitIss: 'yes' }, /faults\.omitIss must be true or false/],
    ['faults that are not an object', ['omitIss'], /faults must be an object/],
  ])('refuses %s', (_name, faults, message) => {
    expect(() => resolveConfig({ ...defaultConfig, faults })).toThrow(ReferenceConfigError);
    expect(() => resolveConfig({ ...defaultConfig, faults })).toThrow(message);
  });

  it('keeps the faults that are set, false ones too, and none by default', () => {
    expect(resolveConfig({ ...defaultConfig, faults: { omitIss: true, dropNonce: false } }).faults).toEqual({ omitIss: true, dropNonce: false });
    expect(resolveConfig(defaultConfig).faults).toEqual({});
  });

  it('warns loudly at start, naming each fault that is on and what it breaks, and stays quiet otherwise', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const quiet = await startReferenceServer({ config: { ...defaultConfig, faults: { omitIss: false } }, directory });
      servers.push(quiet);
      expect(warn).not.toHaveBeenCalled();
      const broken = await startReferenceServer({ config: { ...defaultConfig, faults: { omitIss: true, acceptAlgNone: true } }, directory });
      servers.push(broken);
      expect(warn).toHaveBeenCalledTimes(1);
      const text = String(warn.mock.calls[0]![0]);
      expect(text).toMatch(/STARTED BROKEN ON PURPOSE: 2 faults on/);
      expect(text).toMatch(/acceptAlgNone: an unsigned \(alg none\) client assertion/);
      expect(text).toMatch(/omitIss: authorization responses carry no iss/);
      expect(text).toMatch(/only to prove that the harness catches them/);
    } finally {
      warn.mockRestore();
    }
    expect(faultWarning({})).toBeUndefined();
  });
});

describe('each fault lets through the one attack it names, and only that', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reusableCodes: a code is exchanged twice', async () => {
    const broken = await start({ reusableCodes: true });
    for (const [ref, reusable] of [[correct, false], [broken, true]] as const) {
      const flow = await codeFor(ref, 'confidential', { signIn: user(ref, 'user') });
      expect((await exchange(ref, 'confidential', flow)).status).toBe(200);
      const again = await exchange(ref, 'confidential', flow);
      if (reusable) {
        expect(again.status).toBe(200);
        expect(again.body.access_token).toEqual(expect.any(String));
      } else {
        expect(again.body.error).toBe('invalid_grant');
      }
    }
    // Still bound to its client: a code presented by another client is refused.
    const flow = await codeFor(broken, 'confidential', { signIn: user(broken, 'user') });
    expect((await exchange(broken, 'opaque', flow)).body.error).toBe('invalid_grant');
  });

  it('prefixRedirectUri: a redirect_uri that only starts with the registered one gets the code', async () => {
    const broken = await start({ prefixRedirectUri: true });
    const attack = (ref: RunningReference, uri: string) => {
      const { challenge } = pkce();
      return authorize(ref, {
        client_id: client(ref, 'confidential').client_id, redirect_uri: uri, response_type: 'code', scope: 'openid', state: 's',
        code_challenge: challenge, code_challenge_method: 'S256',
      }, { signIn: user(ref, 'user') });
    };
    const prefixed = `${redirectUri}.attacker/x`;
    const refused = await attack(correct, prefixed);
    expect(refused.status).toBe(400);
    expect(refused.callback).toBeUndefined();
    const led = await attack(broken, prefixed);
    expect(led.callback?.href).toMatch(/^https:\/\/rp\.nauthera\.test\/callback\.attacker\/x\?/);
    expect(led.response?.get('code')).toEqual(expect.any(String));
    // A URI that does not start with a registered one is still refused.
    const other = await attack(broken, 'https://rp.nauthera.test/other');
    expect(other.status).toBe(400);
    expect(other.callback).toBeUndefined();
  });

  it('ignorePkce: a wrong code_verifier is accepted, a missing one still refused', async () => {
    const broken = await start({ ignorePkce: true });
    const wrong = pkce().verifier;
    for (const [ref, ignored] of [[correct, false], [broken, true]] as const) {
      const flow = await codeFor(ref, 'public', { signIn: user(ref, 'user') });
      const res = await exchange(ref, 'public', flow, { code_verifier: wrong });
      if (ignored) expect(res.status).toBe(200);
      else expect(res.body.error).toBe('invalid_grant');
    }
    const flow = await codeFor(broken, 'public', { signIn: user(broken, 'user') });
    const missing = await exchange(broken, 'public', { ...flow, verifier: undefined });
    expect(missing.body.error).toBe('invalid_grant');
  });

  it('dropNonce: ID tokens leave out the nonce of the request', async () => {
    const broken = await start({ dropNonce: true });
    const good = await tokensFor(correct, 'confidential', user(correct, 'user'));
    expect(decodeJwt(good.id_token as string).nonce).toBe(good.flow.nonce);
    const bad = await tokensFor(broken, 'confidential', user(broken, 'user'));
    const claims = decodeJwt(bad.id_token as string);
    expect(claims).not.toHaveProperty('nonce');
    // Everything else of the ID token is as usual.
    expect(claims.iss).toBe(broken.issuer);
    expect(claims.aud).toBe('confidential');
    // Implicit ID tokens too: the switch sits where every ID token is minted.
    const implicit = await authorize(broken, {
      client_id: 'implicit', redirect_uri: redirectUri, response_type: 'id_token', scope: 'openid', state: 's', nonce: 'n-implicit',
    }, { signIn: user(broken, 'user') });
    expect(decodeJwt(implicit.response!.get('id_token')!)).not.toHaveProperty('nonce');
  });

  it('noRefreshRotation: the refresh token comes back unchanged and keeps working', async () => {
    const broken = await start({ noRefreshRotation: true });
    for (const [ref, rotated] of [[correct, true], [broken, false]] as const) {
      const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
      const old = tokens.refresh_token as string;
      const first = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: old });
      expect(first.status).toBe(200);
      expect(first.body.access_token).toEqual(expect.any(String));
      const again = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: old });
      if (rotated) {
        expect(first.body.refresh_token).not.toBe(old);
        expect(again.body.error).toBe('invalid_grant');
      } else {
        expect(first.body.refresh_token).toBe(old);
        expect(again.status).toBe(200);
        expect(again.body.refresh_token).toBe(old);
      }
    }
    // Scope widening is still refused.
    const tokens = await tokensFor(broken, 'confidential', user(broken, 'user'), { scope: 'openid profile' });
    const wider = await tokenRequest(broken, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid profile email' });
    expect(wider.body.error).toBe('invalid_scope');
  });

  it('acceptAlgNone: an unsigned client assertion authenticates a private_key_jwt client; bad claims still do not', async () => {
    const broken = await start({ acceptAlgNone: true });
    const form = (clientAssertion: string) => ({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
    });
    const unsigned = (ref: RunningReference, audience = `${ref.issuer}/token`) => {
      const id = client(ref, 'service-jwt').client_id;
      return new UnsecuredJWT({}).setIssuer(id).setSubject(id).setAudience(audience).setJti(randomUUID()).setIssuedAt().setExpirationTime('2m').encode();
    };
    const refused = await postForm(`${correct.issuer}/token`, form(unsigned(correct)));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    const accepted = await postForm(`${broken.issuer}/token`, form(unsigned(broken)));
    expect(accepted.status).toBe(200);
    expect(accepted.body.access_token).toEqual(expect.any(String));
    // The claims are still checked: an unsigned assertion for another audience is refused.
    expect((await postForm(`${broken.issuer}/token`, form(unsigned(broken, 'https://elsewhere.example/token')))).body.error).toBe('invalid_client');
    // And signed assertions still verify: a wrong key is refused, the right one accepted.
    const jwt = client(broken, 'service-jwt');
    const sign = async (jwk: Parameters<typeof importJWK>[0]) => new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' }).setIssuer(jwt.client_id).setSubject(jwt.client_id).setAudience(`${broken.issuer}/token`)
      .setJti(randomUUID()).setIssuedAt().setExpirationTime('2m').sign(await importJWK(jwk, 'ES256'));
    expect((await postForm(`${broken.issuer}/token`, form(await sign(jwt.private_jwk!)))).status).toBe(200);
    const stranger = client(correct, 'service-jwt').private_jwk!;
    expect((await postForm(`${broken.issuer}/token`, form(await sign(stranger)))).body.error).toBe('invalid_client');
  });

  it('omitIss: authorization responses carry no iss, though discovery still advertises it', async () => {
    const broken = await start({ omitIss: true });
    for (const [ref, omitted] of [[correct, false], [broken, true]] as const) {
      const flow = await codeFor(ref, 'confidential', { signIn: user(ref, 'user') });
      expect(flow.outcome.response!.get('state')).toBe(flow.state);
      if (omitted) expect(flow.outcome.response!.has('iss')).toBe(false);
      else expect(flow.outcome.response!.get('iss')).toBe(ref.issuer);
      const metadata = await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    }
  });
});

describe('startReferenceTarget({ faults })', () => {
  afterEach(() => vi.restoreAllMocks());

  it('puts the faults into the server config, here over a JSON config file', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dir = await mkdtemp(join(tmpdir(), 'nauthera-faults-'));
    const file = join(dir, 'reference.json');
    await writeFile(file, JSON.stringify({ ...defaultConfig, faults: { dropNonce: false } }));
    const target = await startReferenceTarget({ serverOptions: { config: file }, faults: { omitIss: true } });
    try {
      const ref = { issuer: target.issuer, clients: target.clients, users: target.users } as unknown as RunningReference;
      const flow = await codeFor(ref, 'confidential', { signIn: user(ref, 'user') });
      expect(flow.outcome.response!.has('iss')).toBe(false);
      expect(decodeJwt((await exchange(ref, 'confidential', flow)).body.id_token as string).nonce).toBe(flow.nonce);
      expect(console.warn).toHaveBeenCalledWith(expect.stringMatching(/1 fault on.*\n.*omitIss/s));
    } finally {
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown fault over the default config with the config error', async () => {
    await expect(startReferenceTarget({ faults: { codesReusable: true } })).rejects.toThrow(/faults\.codesReusable is not a known fault/);
  });
});
