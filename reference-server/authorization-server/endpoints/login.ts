/**
 * The sign-in step of an interaction: the form (views/login-page.ts) and its POST, which
 * checks the CSRF token, signs the user in against LDAP (accounts/ldap-accounts.ts), starts
 * a session and resumes the authorization request. The password is only ever passed to the
 * LDAP bind.
 */
import type { Context } from 'koa';
import type { Endpoint } from './endpoint.ts';
import type { Provider } from '../provider.ts';
import { readForm } from '../http/body.ts';
import { htmlErrors, sendPage } from '../http/html-errors.ts';
import { loadInteraction, saveInteraction, InteractionError, type InteractionRecord } from '../interaction/interaction.ts';
import { csrfMatches } from '../interaction/csrf.ts';
import { startSession } from '../interaction/session.ts';
import { DirectoryUnavailable } from '../accounts/ldap-connection.ts';
import { loginPage } from '../views/login-page.ts';
import { SignInLimits } from '../limits/sign-in-limits.ts';

export async function renderLogin(ctx: Context, provider: Provider, uid: string, record: InteractionRecord, extra: { username?: string; error?: string; status?: number } = {}): Promise<void> {
  const client = await provider.clients.find(record.clientId);
  sendPage(
    ctx,
    extra.status ?? 200,
    loginPage({ uid, csrf: record.csrf, clientName: client?.clientName ?? record.clientId, username: extra.username ?? record.params.login_hint, error: extra.error }),
  );
}

export const login: Endpoint = {
  name: 'login',
  register(router, provider) {
    const limits = new SignInLimits(provider);
    router.post('/interaction/:uid/login', htmlErrors, async (ctx) => {
      const uid = ctx.params.uid!;
      const form = await readForm(ctx);
      const record = await loadInteraction(ctx, provider, uid);
      if (!csrfMatches(record.csrf, form.get('csrf'))) throw new InteractionError('the form has expired or was not sent from this page (CSRF check failed)', 403);
      if (record.prompt !== 'login') throw new InteractionError('this sign-in step is already done');
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      // A blocked account and address is refused before the password is tried, right or wrong.
      // FAULT signInUnlimited (config/faults.ts, only to prove the harness): no limit on wrong passwords.
      const unlimited = provider.config.faults.signInUnlimited === true;
      const counted = unlimited ? undefined : await limits.check(username, ctx.ip);
      const wait = counted?.retryAfter ?? 0;
      if (wait > 0) return tooMany(ctx, provider, uid, record, username, wait);
      let account;
      try {
        account = await provider.accounts.authenticate(username, password);
      } catch (error) {
        if (!(error instanceof DirectoryUnavailable)) throw error;
        return renderLogin(ctx, provider, uid, record, { username, error: 'The directory is unavailable. Try again in a moment.', status: 503 });
      }
      if (!account) {
        const blocked = unlimited ? 0 : await limits.fail(username, ctx.ip);
        if (blocked > 0) return tooMany(ctx, provider, uid, record, username, blocked);
        // One message for an unknown user and a wrong password: it does not tell which.
        return renderLogin(ctx, provider, uid, record, { username, error: 'Invalid username or password.' });
      }
      if (counted?.failures) await limits.succeed(username, ctx.ip);
      await startSession(ctx, provider, account);
      record.result = { ...record.result, loggedIn: true };
      await saveInteraction(provider, uid, record);
      ctx.status = 303;
      ctx.set('Location', record.returnTo ?? `/authorize/resume/${uid}`);
      ctx.body = '';
    });
  },
};

/** RFC 6585 §4: 429 with Retry-After; the page says how long, and nothing about the password. */
function tooMany(ctx: Context, provider: Provider, uid: string, record: InteractionRecord, username: string, seconds: number): Promise<void> {
  ctx.set('Retry-After', String(seconds));
  return renderLogin(ctx, provider, uid, record, { username, error: `Too many failed sign-ins. Try again in ${seconds} seconds.`, status: 429 });
}
