/**
 * The resource server's metadata (RFC 9728) and the AS's resource indicators (RFC 8707) on real
 * HTTP: both metadata documents at their well-known URLs, the resource_metadata of every 401,
 * a code for the protected resource yields a token whose aud is that resource and which the
 * resource accepts; an unknown resource, a fragment and a switched resource at /token are
 * refused with invalid_target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { user } from '../support/oauth.ts';
import { codeFor, exchange } from '../support/flows.ts';
import { authorize, redirectUri } from '../support/user-agent.ts';
import { client, pkce } from '../support/oauth.ts';

let ref: RunningReference;
beforeAll(async () => {
  ref = await startReferenceServer();
}, 60_000);
afterAll(async () => {
  await ref?.stop();
});

const resource = () => `${ref.resourceServer}/resource`;

describe('protected resource metadata (RFC 9728)', () => {
  it('serves a document for the resource and one for the server, each naming the AS', async () => {
    const forResource = await (await fetch(`${ref.resourceServer}/.well-known/oauth-protected-resource/resource`)).json();
    expect(forResource).toMatchObject({ resource: resource(), authorization_servers: [ref.issuer], bearer_methods_supported: ['header'] });
    const forServer = await (await fetch(`${ref.resourceServer}/.well-known/oauth-protected-resource`)).json();
    expect(forServer).toMatchObject({ resource: ref.resourceServer, authorization_servers: [ref.issuer] });
  });

  it('names the metadata in every 401, an invalid token too', async () => {
    const bad = await fetch(resource(), { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token".*, resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/resource"$/);
  });
});

describe('resource indicators (RFC 8707)', () => {
  it('issues a token for the resource of the authorization request, which the resource accepts', async () => {
    const flow = await codeFor(ref, 'public', { signIn: user(ref, 'user'), scope: 'openid api:read', extra: { resource: resource() } });
    const tokens = await exchange(ref, 'public', flow, { resource: resource() });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body.access_token as string).aud).toBe(resource());
    expect((await fetch(resource(), { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } })).status).toBe(200);
  });

  it('refuses an unknown resource and one with a fragment at /authorize with invalid_target', async () => {
    for (const value of ['https://elsewhere.example/api', `${resource()}#frag`]) {
      const c = client(ref, 'public');
      const outcome = await authorize(ref, { client_id: c.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256', resource: value }, {});
      expect(outcome.response?.get('error'), value).toBe('invalid_target');
    }
  });

  it('refuses at /token a resource other than the one the code was issued for', async () => {
    const flow = await codeFor(ref, 'public', { signIn: user(ref, 'user'), scope: 'openid api:read', extra: { resource: resource() } });
    const switched = await exchange(ref, 'public', flow, { resource: ref.resourceServer });
    expect([switched.status, switched.body.error]).toEqual([400, 'invalid_target']);
  });
});
