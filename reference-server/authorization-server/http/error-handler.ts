/**
 * The outermost middleware: every error becomes an RFC-shaped JSON answer
 * `{error, error_description}` with the status and headers its class names. An error that is
 * not an OAuthError is a bug: it is logged and answered with server_error, never with a stack.
 * Also turns the router's bare 404 / 405 / 501 into the same JSON shape.
 */
import type { Context, Next } from 'koa';
import { MethodNotAllowed, OAuthError } from '../errors.ts';
import { StorageUnavailable } from '../storage/adapter.ts';

export function errorHandler(log: (message: string) => void = (m) => console.error(m)) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw new OAuthError('invalid_request', `no endpoint at ${ctx.method} ${ctx.path}`, 404);
        if (ctx.status === 405 || ctx.status === 501) {
          throw new MethodNotAllowed((ctx.response.get('Allow') || 'GET').split(/,\s*/));
        }
      }
    } catch (error) {
      renderError(ctx, toOAuthError(error, log));
    }
  };
}

export function toOAuthError(error: unknown, log: (message: string) => void): OAuthError {
  if (error instanceof OAuthError) return error;
  // http-errors thrown by Koa itself (bad cookies, ctx.throw) carry a 4xx status and are safe to echo as invalid_request.
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', (error as { expose?: boolean }).expose ? String((error as Error).message) : 'the request is malformed', status);
  }
  if (error instanceof StorageUnavailable) {
    // Not a bug but an outage: RFC 6749 §4.1.2.1's temporarily_unavailable, with the 503 and
    // Retry-After of RFC 9110 §15.6.4, so that a client may try again.
    log(`nauthera reference server: ${error.message}`);
    return new OAuthError('temporarily_unavailable', 'the authorization server\'s store is unavailable; try again shortly', 503, { 'Retry-After': '1' });
  }
  log(`nauthera reference server: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new OAuthError('server_error', 'the authorization server encountered an unexpected condition', 500);
}

export function renderError(ctx: Context, error: OAuthError): void {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = error.toJSON();
}
