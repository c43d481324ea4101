/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.5): when a session ends, a
 * logout token is POSTed, form-encoded as logout_token, to the backchannel_logout_uri of every
 * client the session signed into (§2.3). Each request has a short timeout; a failure is logged
 * and never reaches the browser (§2.8: the RP's answer does not change the logout).
 */
import type { Provider } from '../provider.ts';
import { issueLogoutToken } from './logout-token.ts';
import { takeSessionClients } from './session-clients.ts';

const timeoutMs = 2_000;

export async function sendBackChannelLogouts(provider: Provider, session: { sub: string; sid?: string }, log: (message: string) => void = (m) => console.error(m)): Promise<void> {
  if (!session.sid) return;
  const clientIds = await takeSessionClients(provider, session.sid);
  // FAULT backChannelLogoutNotSent (config/faults.ts, only to prove the harness): nobody is told.
  if (provider.config.faults.backChannelLogoutNotSent) return;
  await Promise.all(clientIds.map(async (clientId) => {
    try {
      const client = await provider.clients.find(clientId);
      if (!client?.backchannelLogoutUri) return;
      const token = await issueLogoutToken(provider, client, session);
      const res = await fetch(client.backchannelLogoutUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      if (res.status !== 200 && res.status !== 204) log(`back-channel logout of client ${clientId}: HTTP ${res.status}`);
    } catch (error) {
      log(`back-channel logout of client ${clientId} failed: ${(error as Error).message}`);
    }
  }));
}
