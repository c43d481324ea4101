/** The sample app's pages: plain HTML, every value escaped, no scripts. */
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · nauthera sample app</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function resourcePage(input: { sub: string; scope: string[]; clientId: string; exp: number }): string {
  return page(
    'Protected resource',
    `<h1>Protected resource</h1>
<p id="resource">Hello <strong id="sub">${escapeHtml(input.sub)}</strong>: your access token was checked here, against the authorization server's keys.</p>
<dl>
  <dt>scope</dt><dd id="scope">${escapeHtml(input.scope.join(' '))}</dd>
  <dt>client_id</dt><dd id="client-id">${escapeHtml(input.clientId)}</dd>
  <dt>expires</dt><dd id="exp">${escapeHtml(new Date(input.exp * 1000).toISOString())}</dd>
</dl>`,
  );
}

export function errorPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert" id="error">${escapeHtml(detail)}</p>`);
}
