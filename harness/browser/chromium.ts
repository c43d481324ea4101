/**
 * The one way nauthera starts a browser: an installed Chromium (find-chromium.ts says which)
 * through playwright-core. Never a browser downloaded by nauthera (docs/design.md). The flags
 * keep Chromium off the network, which on these machines is closed: without them it retries
 * Google hosts at start.
 */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { findChromium, type FindChromiumOptions } from './find-chromium.ts';

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

/** How to find the browser (`browser`: a `--browser PATH`), and Playwright's launch options. */
export type ChromiumLaunchOptions = LaunchOptions & Pick<FindChromiumOptions, 'browser'>;

export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<Browser> {
  const { browser, ...launch } = options;
  const { path } = findChromium({ browser });
  return chromium.launch({ executablePath: path, args: chromiumArgs, headless: true, ...launch });
}
