/**
 * The peer for the token-endpoint comparison: node-oidc-provider 9 (the certified Koa OP),
 * configured like nauthera's `service` client: client_credentials with client_secret_basic,
 * scopes api:read api:write, a JWT access token (RFC 9068) signed ES256 for one resource
 * server (resourceIndicators, accessTokenFormat 'jwt'), 600 s, and ES256 + RS256 keys.
 * Run as a child process by bench/token-endpoint.ts; prints one JSON line once listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

async function privateJwk(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(pub) };
}

let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = createServer((req, res) => handler(req, res));
server.keepAliveTimeout = 5_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const audience = `${issuer}/resource`;
const clientSecret = randomBytes(32).toString('base64url');
const scope = 'api:read api:write';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'service',
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope,
    },
  ],
  jwks: { keys: [await privateJwk('ES256'), await privateJwk('RS256')] },
  scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope, audience, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
handler = provider.callback();

console.log(JSON.stringify({ issuer, tokenEndpoint: `${issuer}/token`, client_id: 'service', client_secret: clientSecret }));

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
