/**
 * How an authorization response reaches the client (OAuth 2.0 Multiple Response Type
 * Encoding Practices §2.1): in the query of the redirect_uri, or in its fragment. The
 * redirect is a 303 so that a POSTed form is never replayed to the client (RFC 9700 §4.12).
 * form_post (OAuth 2.0 Form Post Response Mode) is one more entry here.
 */
import type { Context } from 'koa';
import { formPost } from './form-post.ts';

export type ResponseMode = (ctx: Context, redirectUri: string, params: Record<string, string>) => void;

export const responseModes: Record<string, ResponseMode> = {
  query(ctx, redirectUri, params) {
    const url = new URL(redirectUri);
    // RFC 6749 §3.1.2: the redirect_uri's own query is kept.
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
    redirect(ctx, url.href);
  },
  fragment(ctx, redirectUri, params) {
    const url = new URL(redirectUri);
    url.hash = new URLSearchParams(params).toString();
    redirect(ctx, url.href);
  },
  form_post: formPost,
};

/** query for a code (or an error before the response type is known), fragment when tokens come back. */
export function defaultResponseMode(responseType: string | undefined): string {
  const values = (responseType ?? '').split(' ');
  return values.includes('token') || values.includes('id_token') ? 'fragment' : 'query';
}

function redirect(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.set('Location', location);
  ctx.body = '';
}
