/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0) of the reference server on real
 * HTTP: discovery says it is supported; registration takes backchannel_logout_uri (https or
 * loopback http, no fragment, §2.2); ending a session POSTs a logout token (§2.4, §2.5) to each
 * client of the session that registered one, with the sid of its ID token; a receiver that is
 * down never costs the browser its redirect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { authorize, CookieJar, redirectUri } from '../support/user-agent.ts';
import { pkce, postForm, user } from '../support/oauth.ts';
import { jsonCall } from '../support/registration.ts';

let ref: RunningReference;
let receiver: Server;
let receiverUri: string;
const received: string[] = [];

beforeAll(async () => {
  ref = await startReferenceServer();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bcl`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await ref?.stop();
});

const registration = () => `${ref.issuer}/register`;

async function registerClient(metadata: Record<string, unknown>) {
  return jsonCall(registration(), { body: { client_name: 'Back-channel RP', redirect_uris: [redirectUri], post_logout_redirect_uris: [`${redirectUri}/bye`], scope: 'openid', ...metadata } });
}

async function signIn(jar: CookieJar, clientId: string, secret: string): Promise<string> {
  const { verifier, challenge } = pkce();
  const outcome = await authorize(ref, { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }, { signIn: user(ref, 'user'), jar });
  const code = outcome.response!.get('code')!;
  const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { clientId, secret });
  expect(tokens.status).toBe(200);
  return tokens.body.id_token as string;
}

describe('back-channel logout', () => {
  it('is in discovery', async () => {
    const metadata = await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.backchannel_logout_session_supported).toBe(true);
  });

  it('registration refuses a backchannel_logout_uri that is relative, has a fragment or is http off loopback (§2.2)', async () => {
    for (const uri of ['/bcl', 'https://rp.example/bcl#f', 'http://rp.example/bcl', 42]) {
      const res = await registerClient({ backchannel_logout_uri: uri });
      expect(res.status, String(uri)).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    }
    const ok = await registerClient({ backchannel_logout_uri: 'https://rp.example/bcl', backchannel_logout_session_required: true });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ backchannel_logout_uri: 'https://rp.example/bcl', backchannel_logout_session_required: true });
  });

  it('ending the session POSTs a logout+jwt token with the ID token\'s sub and sid, and the browser is redirected even when another receiver is down', async () => {
    const up = (await registerClient({ backchannel_logout_uri: receiverUri, backchannel_logout_session_required: true })).body;
    // A port nobody listens on: its logout fails, is logged, and changes nothing for the browser.
    const down = (await registerClient({ backchannel_logout_uri: 'http://127.0.0.1:9/bcl' })).body;
    const jar = new CookieJar();
    const idToken = await signIn(jar, up.client_id as string, up.client_secret as string);
    await signIn(jar, down.client_id as string, down.client_secret as string);
    const idClaims = decodeJwt(idToken);
    expect(typeof idClaims.sid).toBe('string');
    received.length = 0;
    const response = await fetch(`${ref.issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: `${redirectUri}/bye`, state: 'x' })}`, { redirect: 'manual', headers: { cookie: jar.header() } });
    expect(response.status).toBe(302);
    expect(received).toHaveLength(1);
    const token = received[0]!;
    expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: ref.issuer, aud: up.client_id, sub: idClaims.sub, sid: idClaims.sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    expect(claims.nonce).toBeUndefined();
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(120);
  });
});
