/**
 * report.html as a vendor uses it, in real Chromium: a real run of authorization-code against the
 * reference server broken two ways (no iss in authorization responses, reusable codes), its
 * reports written as `nauthera run` writes them, the page opened from disk with the network cut.
 * Screenshots at a desktop and a phone width go to the test's temp dir (kept when
 * NAUTHERA_KEEP_TEST_OUTPUT is set).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { importSuite } from '../../harness/flow/load-suites.ts';
import { projectRoot } from '../../harness/flow/runner.ts';
import { runSuites } from '../../harness/flow/run-suites.ts';
import { writeReports } from '../../harness/report/write.ts';
import type { RunResult } from '../../harness/results/model.ts';
import type { Target } from '../../harness/target/model.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';

const flow = 'authorization-code';
const issCheck = `${flow}/authorization-response/authorization-response-carries-iss-rfc-9207`;
const reuseCheck = `${flow}/token/code-reuse-refused`;

const browser = new BrowserSession();
const outDir = mkdtempSync(join(tmpdir(), 'nauthera-html-report-'));
let target: Target | undefined;
let run: RunResult;
let context: BrowserContext;
let page: Page;
/** Requests the page made to anything but its own file: a report must work offline. */
const fetched: string[] = [];

async function openAt(width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(pathToFileURL(join(outDir, 'report.html')).href);
}

const overflow = () => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
const inViewport = (selector: string) => page.locator(selector).first().evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < innerHeight && r.height > 0;
});

beforeAll(async () => {
  target = await startReferenceTarget({ faults: { omitIss: true, reusableCodes: true } });
  const suite = await importSuite({ id: flow, file: join(projectRoot, 'suites', `${flow}.suite.ts`) });
  run = await runSuites([suite], { target, browser, outDir, stepTimeoutMs: 120_000 });
  await target.close();
  target = undefined;
  await writeReports(run, outDir, { browser: await browser.get(), projectRoot });
  context = await (await browser.get()).newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    fetched.push(url);
    return route.abort();
  });
  page = await context.newPage();
}, 300_000);

afterAll(async () => {
  try {
    await context?.close();
    await browser.close();
  } finally {
    await target?.close();
    if (!process.env.NAUTHERA_KEEP_TEST_OUTPUT) rmSync(outDir, { recursive: true, force: true });
  }
});

describe('report.html of a failed run', () => {
  it('ran with the two departures it is shown', () => {
    const failed = run.flows[0].steps.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => c.id));
    expect(failed).toEqual(expect.arrayContaining([issCheck, reuseCheck]));
  });

  for (const width of [1280, 390]) {
    it(`never overflows horizontally at ${width} px, evidence open or not`, async () => {
      await openAt(width);
      await page.screenshot({ path: join(outDir, `report-${width}.png`) });
      expect((await overflow()).scrollWidth).toBeLessThanOrEqual(width);
      // Open every check's evidence (long URLs, bodies, screenshots): the page still fits.
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      await page.waitForFunction(() => [...document.querySelectorAll('details.more')].every((d) => (d as HTMLElement).dataset.filled));
      await page.locator(`[data-check-id="${issCheck}"]`).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(outDir, `report-${width}-open.png`) });
      const { scrollWidth, innerWidth } = await overflow();
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
      // The check column keeps its room: a check's name is never squeezed to a sliver.
      const nameWidth = await page.locator(`[data-check-id="${reuseCheck}"] .name`).evaluate((el) => el.getBoundingClientRect().width);
      expect(nameWidth).toBeGreaterThan(Math.min(200, width / 2));
    });
  }

  it('counts the checks per status in the header, and the filter hides passed checks', async () => {
    await openAt(1280);
    const count = (s: string) => page.locator(`.counts [data-status="${s}"] b`).textContent();
    const all = run.flows[0].steps.flatMap((s) => s.checks);
    expect(Number(await count('failed'))).toBe(all.filter((c) => c.status === 'failed' && !c.expectedFailure).length);
    expect(Number(await count('passed'))).toBe(all.filter((c) => c.status === 'passed').length);
    const visible = (selector: string) => page.locator(selector).evaluateAll((els) => els.filter((el) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0).length);
    expect(await page.locator('.check.v-passed').count()).toBeGreaterThan(10);
    await page.getByLabel(/^failed \(\d+\)$/).check();
    expect(await visible('.check.v-passed')).toBe(0);
    expect(await visible('.check.v-failed')).toBe(Number(await count('failed')));
    await page.screenshot({ path: join(outDir, 'report-1280-failed-only.png') });
    await page.getByLabel(/^all \(\d+\)$/).check();
    expect(await visible('.check.v-passed')).toBeGreaterThan(10);
  });

  it('takes an arrow of the diagram to its step', async () => {
    await openAt(1280);
    const arrow = page.locator(`figure.diagram[data-flow="${flow}"] text.arrow-link[data-arrow="4"]`).first();
    const label = (await arrow.textContent())!.replace(/^\W+/u, '').trim();
    await arrow.click();
    expect(await page.evaluate(() => location.hash)).toBe(`#step-${flow}-4`);
    const step = `#step-${flow}-4`;
    expect(await inViewport(step)).toBe(true);
    expect(await page.locator(`${step} > details`).getAttribute('open')).toBe('');
    expect(await page.locator(`${step} .arrow`).textContent()).toContain(`4. `);
    expect(await page.locator(`${step} .arrow`).textContent()).toContain(label);
  });

  for (const width of [1280, 390]) {
    it(`reaches the failing request from its red arrow in two clicks at ${width} px`, async () => {
      await openAt(width);
      const step = run.flows[0].steps.find((s) => s.checks.some((c) => c.id === reuseCheck))!;
      const red = page.locator(`figure.diagram[data-flow="${flow}"] [data-et="message"][data-status="failed"][data-arrow="${step.index + 1}"]`);
      expect(await red.count()).toBe(1);
      await red.click({ force: true }); // click 1: the (thin) red arrow; its wider hit line takes it too
      const check = page.locator(`#step-${flow}-${step.index + 1} [data-check-id="${reuseCheck}"]`);
      expect(await inViewport(`#step-${flow}-${step.index + 1} [data-check-id="${reuseCheck}"]`)).toBe(true);
      const exchange = check.locator(':scope > .evidence > details.ev.http').last();
      await exchange.locator(':scope > summary').click(); // click 2: the exchange
      const request = exchange.locator('.exchange pre').first();
      expect(await request.isVisible()).toBe(true);
      expect(await request.textContent()).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/\S*token/);
      await page.screenshot({ path: join(outDir, `report-${width}-failing-request.png`) });
    });
  }

  it('shows under a check only its own evidence, the arrow\'s other evidence one click away', async () => {
    await openAt(1280);
    const check = page.locator(`[data-check-id="${issCheck}"]`);
    // The iss check judged the redirect: no sign-in or consent screenshot of its own.
    const own = check.locator(':scope > .evidence > details');
    expect(await own.count()).toBe(1);
    expect(await own.locator('summary').textContent()).toContain('authorization response');
    expect(await check.locator(':scope > .evidence img.shot').count()).toBe(0);
    const more = check.locator(':scope > details.more');
    await more.locator(':scope > summary').click();
    await expect.poll(() => more.locator('img.shot').count()).toBeGreaterThanOrEqual(1);
    expect(await more.locator('img.shot').first().getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('names each check by its id and links its spec reference to the section', async () => {
    await openAt(1280);
    const ids = await page.locator('.check').evaluateAll((els) => els.map((el) => [el.getAttribute('data-check-id'), el.querySelector('.check-head code.id')?.textContent]));
    expect(ids.length).toBeGreaterThan(20);
    for (const [id, shown] of ids) expect(shown).toBe(id);
    const link = page.locator(`[data-check-id="${issCheck}"] .spec a`);
    expect(await link.getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc9207#section-2');
  });

  it('copies each HTTP exchange as curl, secrets masked', async () => {
    await openAt(1280);
    const check = page.locator(`[data-check-id="${reuseCheck}"]`);
    const exchange = check.locator(':scope > .evidence > details.ev.http').last();
    await exchange.locator(':scope > summary').click();
    const curl = (await exchange.locator('.curl-cmd').textContent())!;
    expect(curl).toMatch(/^curl -X POST http:\/\/127\.0\.0\.1:\d+\/\S*token/);
    expect(curl).toMatch(/code=[^&\s']{0,6}…\(\d+ chars\)/);
    expect(curl).not.toMatch(/code_verifier=(?!\*{4})/);
    await exchange.getByRole('button', { name: 'copy as curl' }).click();
    await expect.poll(() => exchange.locator('.copied').textContent()).toMatch(/^(copied|could not copy: select the command below)$/);
    expect(await page.locator('details.ev.http').count()).toBe(await page.locator('details.ev.http button.copy-curl').count());
  });

  it('works offline as one file', async () => {
    await openAt(1280);
    await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
    expect(fetched).toEqual([]);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toMatch(/^default-src 'none'; img-src data:;/);
    expect(await page.locator('link[href], script[src], img[src^="http"]').count()).toBe(0);
  });
});
