/**
 * Two instances of the reference server on one real Redis, behind a round-robin balancer, act
 * as one server: a flow's requests alternate between them, a code issued by one is single-use
 * at the other, refresh reuse is caught across them, and restarting both mid-flow loses
 * nothing (sessions, consents, refresh tokens, signing keys). Real slapd, Redis and HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startReferenceCluster, type RunningCluster } from '../../../reference-server/cluster/start-cluster.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { client, postForm, user } from '../support/oauth.ts';
import { codeFor, exchange } from '../support/flows.ts';
import { authorize, CookieJar, redirectUri } from '../support/user-agent.ts';

let cluster: RunningCluster;
beforeAll(async () => {
  cluster = await startReferenceCluster({ instances: 2, config: { ...defaultConfig, keys: { rotateEverySeconds: 2 } } });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** POST /token at one instance's own address (not through the balancer). */
function tokenAt(instance: number, role: string, fields: Record<string, string>) {
  const c = client(cluster, role);
  return postForm(`${cluster.instances[instance]!.authorizationServer}/token`, fields, { clientId: c.client_id, secret: c.client_secret! });
}

describe('two instances on one Redis', () => {
  it('serve one issuer, and a whole code flow through the balancer lands on both', async () => {
    const before = cluster.requestCounts();
    for (const instance of cluster.instances) {
      const doc = await (await fetch(`${instance.authorizationServer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      expect(doc.issuer).toBe(cluster.issuer);
    }
    const flow = await codeFor(cluster, 'confidential', { signIn: user(cluster, 'user') });
    const tokens = await exchange(cluster, 'confidential', flow);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const counts = cluster.requestCounts().map((n, i) => n - before[i]!);
    expect(Math.min(...counts), `requests per instance: ${counts.join(', ')}`).toBeGreaterThan(1);
    // The resource servers behind their own balancer accept it, whichever answers.
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${cluster.resourceServer}/resource`, { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } });
      expect(response.status).toBe(200);
    }
  });

  it('redeems a code issued through one instance once: the second redemption, at the other, is refused', async () => {
    const flow = await codeFor(cluster, 'confidential', { signIn: user(cluster, 'user') });
    const fields = { grant_type: 'authorization_code', code: flow.code, redirect_uri: redirectUri, code_verifier: flow.verifier! };
    const [a, b] = await Promise.all([tokenAt(0, 'confidential', fields), tokenAt(1, 'confidential', fields)]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    expect((a.status === 400 ? a : b).body.error).toBe('invalid_grant');
  });

  it('detects refresh token reuse across instances and revokes the family', async () => {
    const flow = await codeFor(cluster, 'confidential', { signIn: user(cluster, 'user'), scope: 'openid offline_access api:read' });
    const tokens = await exchange(cluster, 'confidential', flow);
    const original = tokens.body.refresh_token as string;
    const rotated = await tokenAt(0, 'confidential', { grant_type: 'refresh_token', refresh_token: original });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const reused = await tokenAt(1, 'confidential', { grant_type: 'refresh_token', refresh_token: original });
    expect(reused.body.error).toBe('invalid_grant');
    // RFC 9700 §4.14.2: reuse revokes the active refresh token of the family too, on every instance.
    const next = await tokenAt(0, 'confidential', { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string });
    expect(next.body.error).toBe('invalid_grant');
  });

  it('loses nothing when both instances restart mid-flow: session, consent, refresh tokens and keys', async () => {
    const jar = new CookieJar();
    const flow = await codeFor(cluster, 'confidential', { signIn: user(cluster, 'user'), jar, scope: 'openid offline_access api:read' });
    const tokens = await exchange(cluster, 'confidential', flow);
    expect(tokens.status).toBe(200);
    // A code issued before the restart, redeemed after it.
    const pending = await codeFor(cluster, 'confidential', { jar, scope: 'openid offline_access api:read' });

    for (const instance of cluster.instances) await instance.restart();

    expect((await exchange(cluster, 'confidential', pending)).status).toBe(200);
    // Signed in and consented before: the same browser gets a code without a page.
    const again = await authorize(cluster, {
      client_id: client(cluster, 'confidential').client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid offline_access api:read',
      state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }, { jar });
    expect(again.seen).toEqual([]);
    expect(again.response?.get('code')).toBeTruthy();
    const refreshed = await tokenAt(1, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    // The access token from before the restart still verifies against the published keys.
    const jwks = createRemoteJWKSet(new URL(`${cluster.issuer}/jwks`));
    await expect(jwtVerify(tokens.body.access_token as string, jwks, { issuer: cluster.issuer })).resolves.toBeTruthy();
  });

  it('rotates the keys on schedule once for the pair, and each instance publishes the new key', async () => {
    const kidNow = async (instance: number) => decodeProtectedHeader((await tokenAt(instance, 'service', { grant_type: 'client_credentials' })).body.access_token as string).kid;
    const first = await kidNow(0);
    let rotated = first;
    for (let waited = 0; waited < 15_000 && rotated === first; waited += 250) {
      await sleep(250);
      rotated = await kidNow(0);
    }
    expect(rotated).not.toBe(first);
    // Within one refresh interval the other instance signs with the same new key and lists it.
    let other = await kidNow(1);
    for (let waited = 0; waited < 10_000 && other === first; waited += 250) {
      await sleep(250);
      other = await kidNow(1);
    }
    const kids = async (instance: number) => ((await (await fetch(`${cluster.instances[instance]!.authorizationServer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    expect(await kids(0)).toEqual(expect.arrayContaining([first, rotated]));
    expect(await kids(1)).toEqual(expect.arrayContaining([first, rotated]));
  }, 40_000);
});
