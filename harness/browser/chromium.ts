/**
 * The one way nauthera starts a browser: Debian's Chromium through playwright-core.
 * Never a downloaded browser (docs/design.md). The flags keep Chromium off the network,
 * which on these machines is closed: without them it retries Google hosts at start.
 */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { existsSync } from 'node:fs';
import { MissingSystemPartError } from '../cli-errors.ts';

export const chromiumPath = process.env.NAUTHERA_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Site isolation gives each site its own renderer process, so every hop between the IdP and
  // a client's redirect URI starts one: 164 renderers in a full run instead of 55, and about
  // 10% more run time. This throwaway browser only visits the target under test and the
  // harness's own stub pages. (A second --disable-features would replace Playwright's list.)
  '--disable-site-isolation-trials',
  // Chromium reloads its own error page after a failed navigation. A redirect URI whose host
  // does not resolve fails by design (the response is read from the request), and the reload
  // would navigate to it a second time while the driver reads the page.
  '--disable-auto-reload',
];

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new MissingSystemPartError(`Chromium not found at ${chromiumPath}; run \`nauthera setup\` (apt-get install chromium) or set NAUTHERA_CHROMIUM`);
  }
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true, ...options });
}
