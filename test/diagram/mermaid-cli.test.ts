/** The comparison path: @mermaid-js/mermaid-cli's own renderer on the system Chromium (puppeteer). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from '../../harness/browser/find-chromium.ts';
import { launchPuppeteerChromium, renderWithMermaidCli } from '../../harness/diagram/render.ts';

let browser: Awaited<ReturnType<typeof launchPuppeteerChromium>>;
beforeAll(async () => {
  browser = await launchPuppeteerChromium();
});
afterAll(async () => {
  await browser?.close();
});

it('renders a flow diagram to SVG and PNG through mermaid-cli on /usr/bin/chromium', async () => {
  const source = readFileSync(join(import.meta.dirname, '..', '..', 'diagrams', 'hybrid.mmd'), 'utf8');
  const svg = Buffer.from(await renderWithMermaidCli(source, 'svg', { browser })).toString('utf8');
  expect(svg).toMatch(/^<svg [^>]*aria-roledescription="sequence"/);
  expect(svg).toContain('Exchange authorization code for access token');
  expect(svg).toContain('nauthera.io');
  const png = Buffer.from(await renderWithMermaidCli(source, 'png', { browser }));
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(browser.process()?.spawnfile).toBe(findChromium().path);
});
