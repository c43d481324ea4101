/**
 * The device verification page (RFC 8628 §3.3): one labelled field, getByLabel('Code'), and
 * getByRole('button', { name: 'Continue' }). Reached through verification_uri_complete, the
 * code is filled in and the person only confirms that it matches their device's screen
 * (§3.3.1, and §5.4 against remote phishing).
 */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function devicePage(input: { csrf: string; userCode?: string; error?: string }): string {
  return layout(
    'Connect a device',
    html`<h1>Connect a device</h1>
${input.userCode && !input.error ? html`<p>Check that this code is the one your device shows, then continue.</p>` : html`<p>Enter the code your device shows.</p>`}
${input.error ? html`<p role="alert" id="error">${input.error}</p>` : html``}
<form method="post" action="/device" autocomplete="off">
  <input type="hidden" name="csrf" value="${input.csrf}">
  <label for="user_code">Code</label>
  <input type="text" id="user_code" name="user_code" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" value="${input.userCode ?? ''}">
  <button type="submit">Continue</button>
</form>`,
  );
}

/** The end of a verification: the device was connected, or it was not. */
export function deviceResultPage(input: { approved: boolean; clientName: string; reason?: string }): string {
  return input.approved
    ? layout('Device connected', html`<h1>Device connected</h1>\n<p role="status" id="device-result">${input.clientName} is now connected. You can return to your device.</p>`)
    : layout('Device not connected', html`<h1>Device not connected</h1>\n<p role="status" id="device-result">${input.clientName} was not given access: ${input.reason ?? 'denied'}.</p>`);
}
