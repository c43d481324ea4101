/** The `reference` target: OpenLDAP fixture + reference server, described to the suites like any IdP, and stopped by close(). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HttpClient } from '../../harness/http/client.ts';
import type { Target } from '../../harness/target/model.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';

let target: Target;
const http = new HttpClient({ timeoutMs: 5_000 });

beforeAll(async () => {
  target = await startReferenceTarget();
});
afterAll(async () => {
  await target?.close();
  await http.close();
});

it('describes the running reference server as a target', async () => {
  expect(target.kind).toBe('reference');
  expect(target.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(target.discoveryUrl).toBe(`${target.issuer}/.well-known/openid-configuration`);
  expect(target.capabilities.grantTypes).toContain('authorization_code');
  expect(target.client('confidential').token_endpoint_auth_method).toBe('client_secret_basic');
  expect(target.client('public').token_endpoint_auth_method).toBe('none');
  expect(target.client('service-jwt').private_jwk).toMatchObject({ d: expect.any(String) });
  expect(target.clients.every((c) => c.role !== ('resource-server' as string))).toBe(true);
  expect(target.user('user').username).toBe('alice');
  expect(target.login?.username).toEqual({ label: 'Username' });
  expect(target.ldap?.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+/);
  // The protected resource answers an unauthenticated call with a bearer challenge (RFC 6750 §3).
  const res = await http.get(target.resourceServer!);
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
});

it('stops the server when closed', async () => {
  const issuer = target.issuer;
  await target.close();
  await expect(http.get(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow(/connection refused/);
});
