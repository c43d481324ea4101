/**
 * The consent step of an interaction: the page (views/consent-page.ts) and its POST. "Allow"
 * is verified against LDAP (the client's consent group, accounts/consent-policy.ts) before it
 * is remembered; "Deny", or a user outside the group, ends in access_denied at the client.
 */
import type { Context } from 'koa';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { htmlErrors, sendPage } from '../http/html-errors.ts';
import { loadInteraction, saveInteraction, InteractionError, type InteractionRecord } from '../interaction/interaction.ts';
import { csrfMatches } from '../interaction/csrf.ts';
import { loadSession } from '../interaction/session.ts';
import { grantConsent } from '../interaction/consents.ts';
import { parseScope } from '../scopes.ts';
import { consentPage } from '../views/consent-page.ts';

export async function renderConsent(ctx: Context, provider: Provider, uid: string, record: InteractionRecord): Promise<void> {
  const session = await loadSession(ctx, provider);
  if (!session) throw new InteractionError('you are not signed in; start again from the application', 403);
  const client = await provider.clients.find(record.clientId);
  const scopes = parseScope(record.params.scope).map((scope) => ({ scope, description: provider.config.scopes[scope] ?? '' }));
  const account = session.record.account;
  sendPage(ctx, 200, consentPage({ uid, csrf: record.csrf, clientName: client?.clientName ?? record.clientId, userName: account.name ?? account.username, scopes }));
}

export const consent: Endpoint = {
  name: 'consent',
  register(router, provider) {
    router.post('/interaction/:uid/consent', htmlErrors, async (ctx) => {
      const uid = ctx.params.uid!;
      const form = await readForm(ctx);
      const record = await loadInteraction(ctx, provider, uid);
      if (!csrfMatches(record.csrf, form.get('csrf'))) throw new InteractionError('the form has expired or was not sent from this page (CSRF check failed)', 403);
      if (record.prompt !== 'consent') throw new InteractionError('there is nothing to consent to yet');
      const session = await loadSession(ctx, provider);
      if (!session) throw new InteractionError('you are not signed in; start again from the application', 403);
      const decision = form.get('decision');
      const client = await provider.clients.find(record.clientId);
      if (!client) throw new InteractionError('the client is no longer registered');
      if (decision === 'deny') {
        record.result = { ...record.result, denied: 'the user denied the request' };
      } else if (decision === 'allow') {
        // The diagram's "Verify consent" (to LDAP) and "Confirm" (back).
        if (await provider.consentPolicy.mayConsent(session.record.account, client.consentGroup)) {
          await grantConsent(provider, session.record.account.sub, client.clientId, parseScope(record.params.scope));
          record.result = { ...record.result, consented: true };
        } else {
          record.result = { ...record.result, denied: 'the user may not consent for this client (not a member of its LDAP consent group)' };
        }
      } else {
        throw new InteractionError('decision must be allow or deny');
      }
      await saveInteraction(provider, uid, record);
      ctx.status = 303;
      ctx.set('Location', record.returnTo ?? `/authorize/resume/${uid}`);
      ctx.body = '';
    });
  },
};
