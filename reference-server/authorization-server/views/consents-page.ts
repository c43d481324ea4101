/** The user's remembered consents, each with a "Revoke" button. */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function consentsPage(input: { csrf: string; userName: string; consents: Array<{ clientId: string; clientName: string; scopes: string[] }> }): string {
  return layout(
    'Your consents',
    html`<h1>Applications you allowed</h1>
<p>Signed in as <strong>${input.userName}</strong>.</p>
${input.consents.length === 0 ? html`<p id="no-consents">You have not allowed any application.</p>` : html``}
<ul>
${input.consents.map(
  (c) => html`  <li><strong>${c.clientName}</strong> (<code>${c.scopes.join(' ')}</code>)
    <form method="post" action="/account/consents/revoke">
      <input type="hidden" name="csrf" value="${input.csrf}">
      <input type="hidden" name="client_id" value="${c.clientId}">
      <button type="submit" aria-label="Revoke ${c.clientName}">Revoke</button>
    </form>
  </li>\n`,
)}</ul>`,
  );
}
