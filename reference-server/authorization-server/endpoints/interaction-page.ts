/** GET /interaction/:uid: the page of the step an interaction waits for (sign-in or consent). */
import type { Endpoint } from './endpoint.ts';
import { htmlErrors } from '../http/html-errors.ts';
import { loadInteraction } from '../interaction/interaction.ts';
import { renderLogin } from './login.ts';
import { renderConsent } from './consent.ts';

export const interactionPage: Endpoint = {
  name: 'interaction',
  register(router, provider) {
    router.get('/interaction/:uid', htmlErrors, async (ctx) => {
      const uid = ctx.params.uid!;
      const record = await loadInteraction(ctx, provider, uid);
      if (record.prompt === 'login') await renderLogin(ctx, provider, uid, record);
      else await renderConsent(ctx, provider, uid, record);
    });
  },
};
