/**
 * The signed-in user's remembered consents, with a way to withdraw each: GET
 * /account/consents lists them, POST /account/consents/revoke forgets one and revokes the
 * tokens issued under it. Both need the AS session; the POST is CSRF-protected.
 */
import type { Endpoint } from './endpoint.ts';
import { readForm } from '../http/body.ts';
import { htmlErrors, sendPage } from '../http/html-errors.ts';
import { loadSession } from '../interaction/session.ts';
import { csrfMatches } from '../interaction/csrf.ts';
import { InteractionError } from '../interaction/interaction.ts';
import { listConsents, revokeConsent } from '../interaction/consents.ts';
import { consentsPage } from '../views/consents-page.ts';

export const accountConsents: Endpoint = {
  name: 'account-consents',
  register(router, provider) {
    router.get('/account/consents', htmlErrors, async (ctx) => {
      const session = await loadSession(ctx, provider);
      if (!session) throw new InteractionError('sign in through an application first', 403);
      const { account, csrf } = session.record;
      const consents = await Promise.all((await listConsents(provider, account.sub)).map(async (c) => ({
        clientId: c.clientId,
        clientName: (await provider.clients.find(c.clientId))?.clientName ?? c.clientId,
        scopes: c.scopes,
      })));
      sendPage(ctx, 200, consentsPage({ csrf, userName: account.name ?? account.username, consents }));
    });
    router.post('/account/consents/revoke', htmlErrors, async (ctx) => {
      const form = await readForm(ctx);
      const session = await loadSession(ctx, provider);
      if (!session) throw new InteractionError('sign in through an application first', 403);
      if (!csrfMatches(session.record.csrf, form.get('csrf'))) throw new InteractionError('the form has expired or was not sent from this page (CSRF check failed)', 403);
      await revokeConsent(provider, session.record.account.sub, form.require('client_id'));
      ctx.status = 303;
      ctx.set('Location', '/account/consents');
      ctx.body = '';
    });
  },
};
