/**
 * The consent page: which application asks for what, and two buttons, "Allow" and "Deny"
 * (getByRole('button', { name: 'Allow' })).
 */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function consentPage(input: { uid: string; csrf: string; clientName: string; userName: string; scopes: Array<{ scope: string; description: string }> }): string {
  return layout(
    'Allow access',
    html`<h1>Allow ${input.clientName} to access your account?</h1>
<p>Signed in as <strong>${input.userName}</strong>.</p>
<p>${input.clientName} asks for:</p>
<ul class="scopes">
${input.scopes.map((s) => html`  <li><code>${s.scope}</code> ${s.description}</li>\n`)}</ul>
<form method="post" action="/interaction/${input.uid}/consent">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
