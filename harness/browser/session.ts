/**
 * One browser per run, a fresh context per flow: flows never share cookies or sessions,
 * and Chromium starts once (it is the slow part). The browser is launched on first use,
 * so a run with no browser steps never starts it.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './chromium.ts';

export class BrowserSession {
  private browser?: Promise<Browser>;

  /** `browser`: the Chromium to launch (`--browser PATH`), else found by findChromium(). */
  constructor(private readonly options: { browser?: string } = {}) {}

  /** The run's browser, launched on first use. */
  async get(): Promise<Browser> {
    this.browser ??= launchChromium({ browser: this.options.browser });
    return this.browser;
  }

  async newContext(options: { ignoreHTTPSErrors?: boolean } = {}): Promise<BrowserContext> {
    const browser = await this.get();
    return browser.newContext({ ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false, viewport: { width: 1024, height: 768 } });
  }

  get launched(): boolean {
    return this.browser !== undefined;
  }

  async close(): Promise<void> {
    const pending = this.browser;
    this.browser = undefined;
    if (pending) await (await pending.catch(() => undefined))?.close();
  }
}
