/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0).
 *   GET|POST /session/end   id_token_hint, client_id, post_logout_redirect_uri, state (§2)
 * id_token_hint is verified against the AS's own keys; an expired one is still accepted (§4).
 * post_logout_redirect_uri must be one the client registered, compared exactly (§3); an
 * unregistered one gets an error page, never a redirect. The session ends without asking
 * when the hint names the signed-in user; otherwise the user confirms (§2 SHOULD ask, §6
 * logout CSRF), by a form protected with the session's CSRF token. Ending it sends a logout
 * token to the session's clients that registered a backchannel_logout_uri (logout/back-channel.ts).
 */
import type { Context } from 'koa';
import { compactVerify } from 'jose';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import type { Client } from '../clients.ts';
import { endpointUrl } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { Params } from '../http/params.ts';
import { htmlErrors, sendPage } from '../http/html-errors.ts';
import { InvalidRequest } from '../errors.ts';
import { loadSession } from '../interaction/session.ts';
import { clearCookie, sessionCookie } from '../interaction/cookies.ts';
import { csrfMatches } from '../interaction/csrf.ts';
import { loggedOutPage, logoutConfirmPage } from '../views/logout-page.ts';
import { verificationKeys } from '../tokens/access-token.ts';
import { sendBackChannelLogouts } from '../logout/back-channel.ts';

export const endSessionPath = '/session/end';

interface LogoutRequest {
  client?: Client;
  hintSub?: string;
  redirectUri?: string;
  state?: string;
}

/** The ID token the RP passed as a hint: signed by this AS, any exp (§4: expired hints are accepted). */
async function verifyHint(provider: Provider, hint: string): Promise<{ sub: string; aud: string }> {
  let claims: Record<string, unknown>;
  try {
    const { payload } = await compactVerify(hint, verificationKeys(provider.keys));
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    throw new InvalidRequest('id_token_hint is not an ID token signed by this server');
  }
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (claims.iss !== provider.issuer || typeof claims.sub !== 'string' || typeof aud !== 'string') throw new InvalidRequest('id_token_hint is not an ID token issued by this server');
  return { sub: claims.sub, aud };
}

async function readRequest(provider: Provider, params: Params): Promise<LogoutRequest> {
  const hint = params.get('id_token_hint');
  const clientId = params.get('client_id');
  const redirectUri = params.get('post_logout_redirect_uri');
  const verified = hint ? await verifyHint(provider, hint) : undefined;
  // §2: when both are present, client_id must be the hint's audience.
  if (verified && clientId && clientId !== verified.aud) throw new InvalidRequest('client_id is not the audience of id_token_hint');
  const id = verified?.aud ?? clientId;
  const client = id ? await provider.clients.find(id) : undefined;
  if (id && !client) throw new InvalidRequest('unknown client');
  if (redirectUri !== undefined) {
    // §3: the RP must be identified, and the URI must exactly match one it registered.
    if (!client) throw new InvalidRequest('post_logout_redirect_uri needs id_token_hint or client_id');
    // FAULT postLogoutUriNotChecked (config/faults.ts, only to prove the harness): any URI is redirected to.
    if (!(client.postLogoutRedirectUris ?? []).includes(redirectUri) && !provider.config.faults.postLogoutUriNotChecked) throw new InvalidRequest('post_logout_redirect_uri is not registered for this client');
  }
  return { client, hintSub: verified?.sub, redirectUri, state: redirectUri ? params.get('state') : undefined };
}

async function endSession(ctx: Context, provider: Provider, params: Params, confirmed: boolean): Promise<void> {
  const request = await readRequest(provider, params);
  const session = await loadSession(ctx, provider);
  if (session) {
    const sameUser = request.hintSub !== undefined && request.hintSub === session.record.account.sub;
    if (!sameUser && !(confirmed && csrfMatches(session.record.csrf, params.get('csrf')))) {
      const fields = { id_token_hint: params.get('id_token_hint'), client_id: params.get('client_id'), post_logout_redirect_uri: request.redirectUri, state: request.state };
      sendPage(ctx, 200, logoutConfirmPage({ csrf: session.record.csrf, fields }));
      return;
    }
    // FAULT logoutKeepsSession (config/faults.ts, only to prove the harness): the session and its cookie stay.
    if (!provider.config.faults.logoutKeepsSession) await provider.storage.destroy('Session', session.id);
    // OIDC Back-Channel Logout 1.0 §2.5: the clients of the session are told before the browser leaves.
    await sendBackChannelLogouts(provider, { sub: session.record.account.sub, sid: session.record.sid });
  }
  if (!provider.config.faults.logoutKeepsSession) clearCookie(ctx, sessionCookie);
  if (request.redirectUri) {
    const target = new URL(request.redirectUri);
    // FAULT logoutStateDropped (config/faults.ts, only to prove the harness): state is not passed back.
    if (request.state !== undefined && !provider.config.faults.logoutStateDropped) target.searchParams.set('state', request.state);
    ctx.redirect(target.href);
    return;
  }
  sendPage(ctx, 200, loggedOutPage());
}

export const endSessionEndpoint: Endpoint = {
  name: 'end-session',
  register(router, provider) {
    router.get(endSessionPath, htmlErrors, async (ctx) => {
      await endSession(ctx, provider, Params.from(new URLSearchParams(ctx.querystring)), false);
    });
    router.post(endSessionPath, htmlErrors, async (ctx) => {
      const form = await readForm(ctx);
      await endSession(ctx, provider, form, form.get('logout') === 'yes');
    });
  },
  metadata(provider) {
    // OIDC Back-Channel Logout 1.0 §2.1; sid is in ID tokens and logout tokens.
    return { end_session_endpoint: endpointUrl(provider, endSessionPath), backchannel_logout_supported: true, backchannel_logout_session_supported: true };
  },
};
