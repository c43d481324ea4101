// Puppeteer (pulled in by @mermaid-js/mermaid-cli) must never download a browser: nauthera only
// uses Debian's Chromium at /usr/bin/chromium (docs/design.md). Puppeteer reads this file from the
// project root during `npm ci`, so the quick start needs no PUPPETEER_SKIP_DOWNLOAD in the shell.
module.exports = { skipDownload: true, executablePath: '/usr/bin/chromium' };
