/**
 * The page for an error that must not go back to the client (unknown client, unregistered
 * redirect_uri, an expired or foreign sign-in). The RFC error code is in a meta tag and in
 * #error-code, so that a harness can read it.
 */
import { html } from './html.ts';
import { layout } from './layout.ts';

export function errorPage(error: string, description: string): string {
  return layout(
    'Error',
    html`<meta name="oauth-error" content="${error}">
<h1>Something went wrong</h1>
<p role="alert"><code id="error-code">${error}</code>: <span id="error-description">${description}</span></p>
<p>Go back to the application and start again.</p>`,
  );
}
