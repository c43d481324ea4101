/**
 * The AS's browser cookies: signed (Koa keygrip, app.keys), httpOnly, SameSite=Lax (the
 * redirect back from the client's site is a top-level GET, which Lax allows), Secure when the
 * issuer is https.
 */
import type { Context } from 'koa';

export const sessionCookie = 'nauthera.session';
export const interactionCookie = 'nauthera.interaction';

export function setCookie(ctx: Context, name: string, value: string, maxAgeSeconds: number): void {
  ctx.cookies.set(name, value, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.protocol === 'https', path: '/', maxAge: maxAgeSeconds * 1000, overwrite: true });
}

export function clearCookie(ctx: Context, name: string): void {
  ctx.cookies.set(name, '', { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.protocol === 'https', path: '/', maxAge: 0, overwrite: true });
}

export function readCookie(ctx: Context, name: string): string | undefined {
  try {
    return ctx.cookies.get(name, { signed: true }) || undefined;
  } catch {
    return undefined;
  }
}
