/**
 * For the pages a person sees (authorization errors that cannot be redirected, sign-in,
 * consent): errors become an HTML error page rather than JSON.
 */
import type { Context, Next } from 'koa';
import { errorPage } from '../views/error-page.ts';
import { toOAuthError } from './error-handler.ts';
import { DirectoryUnavailable } from '../accounts/ldap-connection.ts';
import { TemporarilyUnavailable } from '../errors.ts';

export function sendPage(ctx: Context, status: number, page: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page;
}

export async function htmlErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (caught) {
    const error = toOAuthError(caught instanceof DirectoryUnavailable ? new TemporarilyUnavailable('the directory is unavailable; try again') : caught, (m) => console.error(m));
    for (const [name, value] of Object.entries(error.headers)) if (name.toLowerCase() !== 'www-authenticate') ctx.set(name, value);
    sendPage(ctx, error.status, errorPage(error.error, error.message));
  }
}
