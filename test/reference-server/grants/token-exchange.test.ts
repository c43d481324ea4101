/**
 * The token exchange grant (RFC 8693) on real HTTP, with the user signed in against the real
 * directory: the exchanged token is for the audience asked for (and only the resource server's
 * own audience is served by the resource server), names the actor of a delegation, narrows
 * but never widens the scope, and every invalid request or token is invalid_request (§2.2.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { tokenRequest, user } from '../support/oauth.ts';
import { tokensFor } from '../support/flows.ts';

const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

let ref: RunningReference;
const clock = new MovingClock();
let subjectToken: string;

beforeAll(async () => {
  ref = await startReferenceServer({ clock });
  const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'), { scope: 'openid api:read' });
  subjectToken = tokens.access_token as string;
});
afterAll(async () => {
  await ref?.stop();
});

const exchange = (fields: Record<string, string>, role = 'exchanger') =>
  tokenRequest(ref, role, { grant_type: grantType, subject_token: subjectToken, subject_token_type: accessTokenType, ...fields });

const clientToken = async (role: string) => (await tokenRequest(ref, role, { grant_type: 'client_credentials', scope: 'api:read' })).body.access_token as string;

describe('token exchange', () => {
  it('is listed in grant_types_supported', async () => {
    const metadata = await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json() as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toContain(grantType);
  });

  it("exchanges the user's token for one for the downstream API: same user, the exchanger's token, the audience asked for", async () => {
    const response = await exchange({ audience: 'downstream-api', scope: 'api:read' });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ issued_token_type: accessTokenType, token_type: 'Bearer', scope: 'api:read', expires_in: 5 });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const jwks = createLocalJWKSet(await (await fetch(`${ref.issuer}/jwks`)).json());
    const { payload } = await jwtVerify(response.body.access_token as string, jwks, { issuer: ref.issuer, audience: 'downstream-api', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: decodeJwt(subjectToken).sub, client_id: 'exchanger', scope: 'api:read' });
    expect(payload.act).toBeUndefined();
    // The resource server accepts only its own audience.
    const api = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${response.body.access_token}` } });
    expect(api.status).toBe(401);
    const own = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${subjectToken}` } });
    expect(own.status).toBe(200);
  });

  it('names the actor in act when an actor_token is given (delegation, §4.1)', async () => {
    const response = await exchange({ audience: 'downstream-api', actor_token: await clientToken('exchanger'), actor_token_type: accessTokenType });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(decodeJwt(response.body.access_token as string).act).toEqual({ sub: 'exchanger', client_id: 'exchanger' });
  });

  it('exchanges for the resource server by resource indicator, and its resource server accepts the token', async () => {
    const response = await exchange({ resource: ref.resourceServer });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const api = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${response.body.access_token}` } });
    expect(api.status).toBe(200);
  });

  it.each([
    ['no subject_token', { subject_token: '' }, 'invalid_request'],
    ['no subject_token_type', { subject_token_type: '' }, 'invalid_request'],
    ['another subject_token_type', { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 'invalid_request'],
    ['an actor_token without actor_token_type', { actor_token: 'x' }, 'invalid_request'],
    ['an actor_token_type without actor_token', { actor_token_type: accessTokenType }, 'invalid_request'],
    ['an unknown audience', { audience: 'https://elsewhere.example/api' }, 'invalid_target'],
    ['a client with grants as audience', { audience: 'service' }, 'invalid_target'],
    ['another resource', { resource: 'https://elsewhere.example/api' }, 'invalid_target'],
    ['a scope wider than the subject token', { scope: 'api:read api:write' }, 'invalid_scope'],
    ['a tampered subject token', { subject_token: 'tampered' }, 'invalid_request'],
  ])('refuses %s with %s', async (_label, fields, error) => {
    const form = Object.fromEntries(Object.entries(fields as Record<string, string>).filter(([, v]) => v !== ''));
    const removed = Object.keys(fields).filter((k) => (fields as Record<string, string>)[k] === '');
    const response = await tokenRequest(ref, 'exchanger', {
      grant_type: grantType,
      ...Object.fromEntries(Object.entries({ subject_token: subjectToken, subject_token_type: accessTokenType }).filter(([k]) => !removed.includes(k))),
      ...(form.subject_token === 'tampered' ? { ...form, subject_token: `${subjectToken.slice(0, -2)}AA` } : form),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error).toBe(error);
  });

  it("refuses another client's own token (no user) with invalid_request", async () => {
    const response = await exchange({ subject_token: await clientToken('service') });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('refuses an expired subject token with invalid_request', async () => {
    const issued = await exchange({ audience: 'downstream-api' });
    expect(issued.body.expires_in).toBe(5);
    clock.advance(6);
    const response = await exchange({ subject_token: issued.body.access_token as string });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('refuses a client not allowed the grant with unauthorized_client', async () => {
    const response = await exchange({}, 'service');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unauthorized_client');
  });
});
