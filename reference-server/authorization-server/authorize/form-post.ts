/**
 * response_mode=form_post (OAuth 2.0 Form Post Response Mode §2): the authorization response
 * goes to the redirect_uri as an HTML form that the browser POSTs. Every name and value, and
 * the action, are HTML-escaped. The page's one inline script is allowed by its hash in this
 * page's own Content-Security-Policy, so the rest of the server keeps scripts off; without
 * JavaScript a Continue button posts the same form.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { Html, html } from '../views/html.ts';

const submitScript = 'document.forms[0].submit();';
const scriptHash = `'sha256-${createHash('sha256').update(submitScript, 'utf8').digest('base64')}'`;

export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Submit this form · nauthera</title>
</head>
<body>
<form method="post" action="${redirectUri}">
${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<noscript><button type="submit">Continue</button></noscript>
</form>
<script>${new Html(submitScript)}</script>
</body>
</html>
`.text;
}

export function formPost(ctx: Context, redirectUri: string, params: Record<string, string>): void {
  ctx.status = 200;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set(
    'Content-Security-Policy',
    // No form-action: Chromium applies it to the client's own redirects after the POST too.
    `default-src 'none'; script-src ${scriptHash}; frame-ancestors 'none'; base-uri 'none'`,
  );
  ctx.body = formPostPage(redirectUri, params);
}
