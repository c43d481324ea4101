/**
 * The verification page of the device authorization grant (RFC 8628 §3.3), where a person
 * enters (or confirms) the user_code, then signs in by LDAP and consents through the core's
 * interaction pages (login.ts, consent.ts, with the LDAP consent group check). Those pages send
 * the browser back to /device/resume/:uid (the interaction's returnTo), which records the
 * decision on the device_code that the device is polling with.
 *   GET  /device[?user_code=]   the code form (verification_uri, verification_uri_complete)
 *   POST /device                checks the code, starts the sign-in / consent interaction
 *   GET  /device/resume/:uid    after sign-in and consent: approve or deny the device
 * Consent is asked every time, even when remembered: the person must see which device they
 * let in (§5.4, remote phishing). The code form is CSRF-protected by a signed cookie, and wrong
 * codes are rate-limited per client address (§5.1, deviceAuthorization.userCodeAttempts).
 */
import type { Context } from 'koa';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { htmlErrors, sendPage } from '../http/html-errors.ts';
import { InteractionError, loadInteraction, saveInteraction, type InteractionRecord } from '../interaction/interaction.ts';
import { interactionCookie, readCookie, setCookie } from '../interaction/cookies.ts';
import { csrfMatches } from '../interaction/csrf.ts';
import { loadSession } from '../interaction/session.ts';
import { rememberGrant } from '../interaction/consents.ts';
import { randomToken } from '../tokens/random.ts';
import { findByUserCode, isExpired, saveDeviceCode } from '../device/device-code.ts';
import { formatUserCode, normalizeUserCode } from '../device/user-code.ts';
import { UserCodeAttempts } from '../device/user-code-attempts.ts';
import { devicePage, deviceResultPage } from '../views/device-page.ts';

export const verificationPath = '/device';
const csrfCookie = 'nauthera.device';
const resumePath = (uid: string) => `${verificationPath}/resume/${uid}`;

function renderForm(ctx: Context, provider: Provider, input: { userCode?: string; error?: string; status?: number }): void {
  let csrf = readCookie(ctx, csrfCookie);
  if (!csrf) {
    csrf = randomToken();
    setCookie(ctx, csrfCookie, csrf, provider.config.ttl.interaction);
  }
  sendPage(ctx, input.status ?? 200, devicePage({ csrf, userCode: input.userCode, error: input.error }));
}

export const deviceVerification: Endpoint = {
  name: 'device-verification',
  register(router, provider) {
    const attempts = new UserCodeAttempts(provider.storage, provider.config.deviceAuthorization.userCodeAttempts);
    router.get(verificationPath, htmlErrors, (ctx) => {
      const typed = new URLSearchParams(ctx.querystring).get('user_code') ?? undefined;
      const code = typed === undefined ? undefined : normalizeUserCode(typed);
      renderForm(ctx, provider, { userCode: code ? formatUserCode(code) : typed?.slice(0, 64) });
    });

    router.post(verificationPath, htmlErrors, async (ctx) => {
      const form = await readForm(ctx);
      const expected = readCookie(ctx, csrfCookie);
      if (!expected || !csrfMatches(expected, form.get('csrf'))) throw new InteractionError('the form has expired or was not sent from this page (CSRF check failed)', 403);
      const typed = form.get('user_code') ?? '';
      const userCode = normalizeUserCode(typed);
      // The form again with what was typed and why it failed (200, as the sign-in page does for a wrong password).
      const again = (error: string) => renderForm(ctx, provider, { userCode: typed.slice(0, 64), error });
      const wait = await attempts.retryAfter(ctx.ip);
      if (wait > 0) {
        ctx.set('Retry-After', String(wait));
        return renderForm(ctx, provider, { userCode: typed.slice(0, 64), status: 429, error: `Too many wrong codes were entered from your network. Try again in ${wait} seconds.` });
      }
      const wrong = async (error: string) => {
        await attempts.fail(ctx.ip);
        again(error);
      };
      if (!userCode) return wrong('Enter the 8-letter code your device shows, like BCDF-GHJK.');
      const found = await findByUserCode(provider, userCode);
      if (!found || isExpired(provider, found.record)) return wrong('That code is not valid or has expired. Check your device for a new one.');
      if (found.record.status !== 'pending') return wrong('That code was already used.');

      const session = await loadSession(ctx, provider);
      const uid = randomToken(24);
      const record: InteractionRecord = {
        params: { client_id: found.record.clientId, scope: found.record.scope, user_code: userCode },
        clientId: found.record.clientId,
        prompt: session ? 'consent' : 'login',
        csrf: randomToken(),
        result: {},
        returnTo: resumePath(uid),
      };
      await saveInteraction(provider, uid, record);
      setCookie(ctx, interactionCookie, uid, provider.config.ttl.interaction);
      ctx.status = 303;
      ctx.set('Location', `/interaction/${uid}`);
      ctx.body = '';
    });

    router.get(`${verificationPath}/resume/:uid`, htmlErrors, async (ctx) => {
      const uid = ctx.params.uid!;
      const record = await loadInteraction(ctx, provider, uid);
      if (record.returnTo !== resumePath(uid) || !record.params.user_code) throw new InteractionError('this sign-in is not a device verification');
      const clientName = (await provider.clients.find(record.clientId))?.clientName ?? record.clientId;
      const found = await findByUserCode(provider, record.params.user_code);
      if (!found || isExpired(provider, found.record) || found.record.status !== 'pending') {
        await provider.storage.destroy('Interaction', uid);
        throw new InteractionError('the device code has expired or was already used; start again on your device');
      }
      const { deviceCode, record: device } = found;

      if (record.result.denied) {
        await saveDeviceCode(provider, deviceCode, { ...device, status: 'denied', deniedReason: record.result.denied });
        await provider.storage.destroy('Interaction', uid);
        return sendPage(ctx, 200, deviceResultPage({ approved: false, clientName, reason: record.result.denied }));
      }
      const session = await loadSession(ctx, provider);
      if (!session || !record.result.consented) {
        // Not signed in (any more), or not yet asked: the next step of the interaction.
        await saveInteraction(provider, uid, { ...record, prompt: session ? 'consent' : 'login' });
        ctx.status = 303;
        ctx.set('Location', `/interaction/${uid}`);
        ctx.body = '';
        return;
      }
      // consent.ts verified the LDAP consent group before it set consented.
      const { account, authTime } = session.record;
      const grantId = randomToken(16);
      await saveDeviceCode(provider, deviceCode, { ...device, status: 'approved', sub: account.sub, accountDn: account.dn, authTime, grantId });
      await rememberGrant(provider, account.sub, device.clientId, grantId);
      await provider.storage.destroy('Interaction', uid);
      sendPage(ctx, 200, deviceResultPage({ approved: true, clientName }));
    });
  },
};
