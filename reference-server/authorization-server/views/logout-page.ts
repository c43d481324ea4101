/** The end-session endpoint's pages: the sign-out confirmation (RP-Initiated Logout 1.0 §2) and the result. */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function logoutConfirmPage(input: { csrf: string; fields: Record<string, string | undefined> }): string {
  const hidden = Object.entries(input.fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return layout(
    'Sign out',
    html`<h1>Sign out?</h1>
<form method="post" action="/session/end">
<input type="hidden" name="csrf" value="${input.csrf}">
${hidden}
<button type="submit" id="logout-confirm" name="logout" value="yes">Sign out</button>
</form>`,
  );
}

export function loggedOutPage(): string {
  return layout('Signed out', html`<h1 id="logged-out">You are signed out</h1>`);
}
