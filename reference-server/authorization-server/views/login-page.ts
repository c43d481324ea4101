/**
 * The sign-in page. Labelled fields and named buttons, so that the harness (and any
 * Playwright script) finds them by role: getByLabel('Username'), getByLabel('Password'),
 * getByRole('button', { name: 'Sign in' }).
 */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function loginPage(input: { uid: string; csrf: string; clientName: string; username?: string; error?: string }): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p>to continue to <strong>${input.clientName}</strong></p>
${input.error ? html`<p role="alert" id="error">${input.error}</p>` : html``}
<form method="post" action="/interaction/${input.uid}/login" autocomplete="on">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <label for="username">Username</label>
  <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" value="${input.username ?? ''}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`,
  );
}
