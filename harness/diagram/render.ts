/**
 * Renders mermaid to SVG and PNG in ONE browser page: mermaid is loaded once from node_modules
 * (no network), then every diagram goes through `mermaid.render`. By default the page imports
 * mermaid's code-split ESM build, served by a route on a fake origin, so only the core and the
 * sequence-diagram chunks are parsed (about half the load time of the 3.5 MB UMD bundle, which
 * `build: 'umd'` still loads for comparison in bench/). The SVG is then
 * coloured by status: each message whose text starts with a status emoji (harness/results/marks.ts) gets
 * its line, arrow head and text in the status colour, so the colours survive outside a git host.
 *
 * `renderWithMermaidCli` draws one diagram through @mermaid-js/mermaid-cli's own API on the same
 * installed Chromium, for comparison (bench/); it is not the default path.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumArgs, launchChromium } from '../browser/chromium.ts';
import { findChromium } from '../browser/find-chromium.ts';
import { statusMarks } from '../results/marks.ts';

export class DiagramRenderError extends Error {
  override name = 'DiagramRenderError';
}

export interface RenderedDiagram {
  svg: string;
  png: Buffer;
}

export interface RenderOptions {
  /** The id of the <svg> element; mermaid scopes its CSS by it, so keep it unique per page. */
  id?: string;
  /** Skip the screenshot when only the SVG is wanted. */
  png?: boolean;
}

export interface DiagramRenderer {
  render(source: string, options?: RenderOptions): Promise<RenderedDiagram>;
  /** Closes the page, and the browser when the renderer launched it. */
  close(): Promise<void>;
}

export const mermaidConfig = {
  startOnLoad: false,
  theme: 'default',
  securityLevel: 'strict',
  sequence: { useMaxWidth: false },
} as const;

const renderTimeoutMs = 30_000;

/**
 * Path of mermaid's browser bundle (its ESM build sits beside it): the copy the package build
 * vendors into dist/vendor/mermaid/, else mermaid from node_modules (a checkout).
 */
export function mermaidBundlePath(): string {
  const vendored = fileURLToPath(new URL('../../vendor/mermaid/mermaid.min.js', import.meta.url));
  if (existsSync(vendored)) return vendored;
  let found: string | undefined;
  try {
    found = fileURLToPath(import.meta.resolve('mermaid/dist/mermaid.min.js'));
  } catch {
    // reported below
  }
  if (!found || !existsSync(found)) throw new DiagramRenderError('mermaid\'s browser build is missing (dist/vendor/mermaid in the package, node_modules/mermaid in a checkout): reinstall nauthera, or run `npm install` in the checkout');
  return found;
}

/** The page's origin when mermaid's ESM build is served to it; `.invalid` never resolves (RFC 6761 §6.4). */
const esmOrigin = 'http://mermaid.invalid';
const pageHtml = '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff"><div id="out" style="display:inline-block;background:#fff"></div></body></html>';

export interface CreateRendererOptions {
  /** Render in this browser (a fresh context is made and closed); otherwise Chromium is launched and closed here. */
  browser?: Browser;
  /** Which mermaid build the page loads: the code-split ESM build (default) or the UMD bundle. */
  build?: 'esm' | 'umd';
}

/** One page that renders any number of diagrams. */
export async function createDiagramRenderer(options: CreateRendererOptions = {}): Promise<DiagramRenderer> {
  const bundle = mermaidBundlePath();
  const ownBrowser = options.browser ? undefined : await launchChromium();
  const browser = options.browser ?? ownBrowser!;
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 1600, height: 1200 } });
    const page = await context.newPage();
    if (options.build === 'umd') {
      await page.setContent(pageHtml);
      // tsx (esbuild keepNames) wraps nested functions in __name(); page.evaluate ships the
      // function's source to the page, where that helper must exist too.
      await page.evaluate('globalThis.__name = (fn) => fn');
      await page.addScriptTag({ path: bundle });
    } else {
      await serveMermaidEsm(context, dirname(bundle));
      await page.goto(`${esmOrigin}/`, { timeout: renderTimeoutMs });
      await page.evaluate('globalThis.__name = (fn) => fn');
      await withTimeout(
        // A string, not a function: test runners rewrite import() in functions shipped to the page.
        page.evaluate(`import(${JSON.stringify(`${esmOrigin}/mermaid.esm.min.mjs`)}).then((m) => { globalThis.mermaid = m.default; })`),
        renderTimeoutMs,
        `mermaid did not load within ${renderTimeoutMs / 1000} s`,
      );
    }
    await page.evaluate((config) => (window as unknown as { mermaid: { initialize(c: unknown): void } }).mermaid.initialize(config), mermaidConfig);
    return new PageRenderer(page, async () => {
      await context?.close().catch(() => undefined);
      await ownBrowser?.close();
    });
  } catch (error) {
    await context?.close().catch(() => undefined);
    await ownBrowser?.close();
    throw error;
  }
}

/**
 * The context's only network: the page and mermaid's .mjs files from `dist` on the fake origin;
 * every other request is aborted, so nothing leaves the machine.
 */
async function serveMermaidEsm(context: BrowserContext, dist: string): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== esmOrigin) return route.abort();
    if (url.pathname === '/') return route.fulfill({ body: pageHtml, contentType: 'text/html; charset=utf-8' });
    const file = normalize(join(dist, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dist + sep) || !file.endsWith('.mjs')) return route.abort();
    try {
      return await route.fulfill({ body: await readFile(file), contentType: 'text/javascript; charset=utf-8' });
    } catch {
      return route.abort();
    }
  });
}

class PageRenderer implements DiagramRenderer {
  private queue: Promise<unknown> = Promise.resolve();
  private count = 0;

  constructor(
    private readonly page: Page,
    private readonly closer: () => Promise<void>,
  ) {}

  render(source: string, options: RenderOptions = {}): Promise<RenderedDiagram> {
    // One page draws one diagram at a time: calls are queued.
    const next = this.queue.then(() => this.renderNow(source, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async renderNow(source: string, options: RenderOptions): Promise<RenderedDiagram> {
    const id = options.id ?? `nauthera-diagram-${++this.count}`;
    const styles = Object.fromEntries(Object.entries(statusMarks).map(([status, s]) => [status, { mark: s.emoji, color: s.color }]));
    const drawn = await withTimeout(
      this.page.evaluate(drawInPage, { id, source, styles }),
      renderTimeoutMs,
      `mermaid did not render within ${renderTimeoutMs / 1000} s`,
    );
    if ('error' in drawn) throw new DiagramRenderError(`mermaid could not render the diagram: ${drawn.error}`);
    let png: Buffer = Buffer.alloc(0);
    if (options.png !== false) {
      const width = Math.ceil(drawn.width) + 2;
      const height = Math.ceil(drawn.height) + 2;
      await this.page.setViewportSize({ width: Math.max(width, 100), height: Math.max(height, 100) });
      png = await this.page.locator('#out > svg').screenshot({ type: 'png', timeout: renderTimeoutMs });
    }
    return { svg: drawn.svg, png };
  }

  close(): Promise<void> {
    return this.closer();
  }
}

type StyleMap = Record<string, { mark: string; color: string }>;
type Drawn = { svg: string; width: number; height: number } | { error: string };

/** Runs in the page: mermaid.render, then colour each marked message by its status. */
async function drawInPage({ id, source, styles }: { id: string; source: string; styles: StyleMap }): Promise<Drawn> {
  const mermaid = (window as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
  const out = document.getElementById('out')!;
  out.innerHTML = '';
  try {
    const { svg } = await mermaid.render(id, source);
    out.innerHTML = svg;
  } catch (error) {
    // mermaid leaves its error drawing behind in the body
    document.getElementById(`d${id}`)?.remove();
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const svgEl = out.querySelector('svg')!;
  const statusOf = (text: string): string | undefined =>
    Object.keys(styles).find((status) => text.trimStart().startsWith(styles[status].mark));

  // Mermaid draws each message as its text line(s), then its line or path (data-et="message").
  const clonedMarkers = new Map<string, string>();
  const markerFor = (url: string | null, status: string): string | null => {
    const m = url && /url\(#(.+)\)/.exec(url);
    if (!m || m[1].endsWith('sequencenumber')) return url;
    const key = `${m[1]}--${status}`;
    if (!clonedMarkers.has(key)) {
      const marker = svgEl.querySelector(`[id="${m[1]}"]`);
      if (!marker) return url;
      const copy = marker.cloneNode(true) as Element;
      copy.id = key;
      for (const shape of copy.querySelectorAll('path, circle')) {
        if (shape.getAttribute('fill') !== 'none') (shape as SVGElement).style.fill = styles[status].color;
        (shape as SVGElement).style.stroke = styles[status].color;
      }
      marker.parentNode!.appendChild(copy);
      clonedMarkers.set(key, key);
    }
    return `url(#${key})`;
  };

  let texts: SVGElement[] = [];
  for (const el of svgEl.querySelectorAll<SVGElement>('.messageText, [data-et="message"]')) {
    if (el.classList.contains('messageText')) {
      texts.push(el);
      continue;
    }
    const status = texts.length ? statusOf(texts[0].textContent ?? '') : undefined;
    if (status) {
      const color = styles[status].color;
      el.style.stroke = color;
      el.setAttribute('data-status', status);
      el.classList.add(`status-${status}`);
      for (const attr of ['marker-end', 'marker-start']) {
        const url = el.getAttribute(attr);
        if (url) el.setAttribute(attr, markerFor(url, status)!);
      }
      for (const t of texts) {
        t.style.fill = color;
        t.setAttribute('data-status', status);
        t.classList.add(`status-${status}`);
      }
    }
    texts = [];
  }
  // Notes that start with a mark (the failing check) take the colour too.
  for (const group of svgEl.querySelectorAll('g[data-et="note"]')) {
    const first = group.querySelector('.noteText');
    const status = first ? statusOf(first.textContent ?? '') : undefined;
    if (!status) continue;
    const rect = group.querySelector<SVGElement>('rect.note');
    if (rect) rect.style.stroke = styles[status].color;
    for (const t of group.querySelectorAll<SVGElement>('.noteText')) t.style.fill = styles[status].color;
    group.setAttribute('data-status', status);
  }
  const box = svgEl.getBoundingClientRect();
  return { svg: svgEl.outerHTML, width: box.width, height: box.height };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DiagramRenderError(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Renders one diagram with @mermaid-js/mermaid-cli's own `renderMermaid` on the installed Chromium
 * through puppeteer (never a downloaded browser). No status colouring: kept to compare the two
 * paths in bench/. Pass a puppeteer `browser` from `launchPuppeteerChromium()` to reuse one.
 */
export async function renderWithMermaidCli(
  source: string,
  format: 'svg' | 'png',
  options: { browser?: import('puppeteer').Browser } = {},
): Promise<Uint8Array> {
  const { renderMermaid } = await import('@mermaid-js/mermaid-cli');
  const browser = options.browser ?? (await launchPuppeteerChromium());
  try {
    const { data } = await renderMermaid(browser, source, format, { backgroundColor: 'white', mermaidConfig: { ...mermaidConfig } as never });
    return data;
  } finally {
    if (!options.browser) await browser.close();
  }
}

/** The installed Chromium (findChromium) through puppeteer, with the same no-network flags as launchChromium(). */
export async function launchPuppeteerChromium(options: { browser?: string } = {}): Promise<import('puppeteer').Browser> {
  const { path } = findChromium({ browser: options.browser });
  process.env.PUPPETEER_SKIP_DOWNLOAD ??= '1';
  const puppeteer = (await import('puppeteer')).default;
  return puppeteer.launch({ executablePath: path, args: chromiumArgs, headless: true });
}
