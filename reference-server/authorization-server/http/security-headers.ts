/**
 * Headers on every answer: no caching of anything carrying tokens (RFC 6749 §5.1) unless an
 * endpoint opts in (discovery, JWKS), no framing (clickjacking of the consent page, RFC 9700
 * §4.16), and no scripts on the server-rendered pages.
 */
import type { Context, Next } from 'koa';

export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  await next();
}
