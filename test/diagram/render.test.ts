/**
 * The annotated diagrams: a RunResult with passed, failed, warning, skipped and
 * not-applicable arrows is drawn to SVG, PNG and MD in real Chromium, and the colours, marks and
 * notes are read back from the SVG. One browser for the whole file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../harness/browser/chromium.ts';
import { annotateDiagram } from '../../harness/diagram/annotate.ts';
import { statusMarks } from '../../harness/results/marks.ts';
import { parseSequenceDiagram } from '../../harness/diagram/parse.ts';
import { createDiagramRenderer, type DiagramRenderer } from '../../harness/diagram/render.ts';
import { writeAnnotatedDiagrams } from '../../harness/diagram/write.ts';
import type { CheckResult, RunResult, Status, StepResult } from '../../harness/results/model.ts';

const root = join(import.meta.dirname, '..', '..');

function check(status: Status, name: string, detail = ''): CheckResult {
  return { name, spec: 'RFC 6749 §4.1.3', severity: 'failure', status, detail };
}
function step(index: number, status: Status, checks: CheckResult[] = [check(status, `check ${index}`)]): StepResult {
  return { index, from: '', to: '', text: '', status, durationMs: 2, checks };
}

const run: RunResult = {
  version: 1,
  target: { kind: 'reference', issuer: 'http://127.0.0.1:1/' },
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 100,
  flows: [
    {
      id: 'authorization-code',
      title: 'Authorization code with PKCE',
      diagram: 'diagrams/authorization-code.mmd',
      status: 'failed',
      durationMs: 50,
      steps: [
        step(0, 'passed'),
        step(1, 'passed'),
        step(2, 'warning', [check('warning', 'login form is served over a fresh page', 'page reused; cache-control is missing')]),
        step(3, 'passed'),
        step(4, 'passed'),
        step(5, 'failed', [check('passed', 'token endpoint answers'), check('failed', 'code reuse is refused with invalid_grant', 'second use answered 200; the grant #2 was not revoked')]),
        step(6, 'skipped'),
        step(7, 'skipped'),
        step(8, 'skipped'),
      ],
    },
    {
      id: 'device-code',
      title: 'Device authorization grant',
      diagram: 'diagrams/device-code.mmd',
      status: 'not-applicable',
      reason: 'device_authorization_endpoint is missing from discovery',
      durationMs: 0,
      steps: [],
    },
    {
      id: 'missing',
      title: 'A flow whose diagram is gone',
      diagram: 'diagrams/does-not-exist.mmd',
      status: 'passed',
      durationMs: 0,
      steps: [],
    },
  ],
};

let browser: Browser;
let renderer: DiagramRenderer;
let out: string;
let written: Awaited<ReturnType<typeof writeAnnotatedDiagrams>>;

beforeAll(async () => {
  browser = await launchChromium();
  renderer = await createDiagramRenderer({ browser });
  out = await mkdtemp(join(tmpdir(), 'nauthera-diagrams-'));
  written = await writeAnnotatedDiagrams(run, out, { projectRoot: root, renderer });
});

afterAll(async () => {
  await renderer?.close();
  await browser?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** The SVG's message lines and texts, read back in the same browser. */
async function messages(svg: string) {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><meta charset="utf-8"><body>${svg}</body>`);
    return await page.evaluate(() => {
      const groups: Array<{ text: string; textFill: string; stroke: string; status: string | null; marker: string | null; markerFill: string }> = [];
      let texts: Element[] = [];
      for (const el of document.querySelectorAll('.messageText, [data-et="message"]')) {
        if (el.classList.contains('messageText')) {
          texts.push(el);
          continue;
        }
        const markerId = /url\(#(.+)\)/.exec(el.getAttribute('marker-end') ?? '')?.[1];
        const markerShape = markerId ? document.getElementById(markerId)?.querySelector('path') : null;
        groups.push({
          text: texts.map((t) => t.textContent).join(' '),
          textFill: getComputedStyle(texts[0]).fill,
          stroke: getComputedStyle(el).stroke,
          status: el.getAttribute('data-status'),
          marker: markerId ?? null,
          markerFill: markerShape ? getComputedStyle(markerShape).fill : '',
        });
        texts = [];
      }
      const notes = [...document.querySelectorAll('g[data-et="note"]')].map((g) => ({
        text: [...g.querySelectorAll('.noteText')].map((t) => t.textContent).join('\n'),
        border: getComputedStyle(g.querySelector('rect.note')!).stroke,
      }));
      // mermaid draws the bands last-first: order them top to bottom
      const bands = [...document.querySelectorAll('rect.rect')]
        .sort((a, b) => Number(a.getAttribute('y')) - Number(b.getAttribute('y')))
        .map((r) => r.getAttribute('fill'));
      return { groups, notes, bands };
    });
  } finally {
    await page.close();
  }
}

const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

describe('annotated diagrams from a RunResult', () => {
  it('writes svg, png and md for each drawable flow, and says why one cannot be drawn', () => {
    const files = (flow: string) => written.find((w) => w.flow === flow)!.files.map((f) => f.slice(out.length + 1)).sort();
    expect(files('authorization-code')).toEqual(['diagrams/authorization-code.md', 'diagrams/authorization-code.png', 'diagrams/authorization-code.svg']);
    expect(files('device-code')).toEqual(['diagrams/device-code.md', 'diagrams/device-code.png', 'diagrams/device-code.svg']);
    const missing = written.find((w) => w.flow === 'missing')!;
    expect(missing.files).toEqual([]);
    expect(missing.error).toMatch(/diagram diagrams\/does-not-exist.mmd not found/);
  });

  it('colours each arrow line, head and text by status, with its mark', async () => {
    const svg = await readFile(join(out, 'diagrams', 'authorization-code.svg'), 'utf8');
    const { groups } = await messages(svg);
    const expected: Status[] = ['passed', 'passed', 'warning', 'passed', 'passed', 'failed', 'skipped', 'skipped', 'skipped'];
    expect(groups.map((g) => g.status)).toEqual(expected);
    groups.forEach((g, i) => {
      const style = statusMarks[expected[i]];
      expect(g.text.startsWith(style.emoji), g.text).toBe(true);
      expect(g.stroke).toBe(rgb(style.color));
      expect(g.textFill).toBe(rgb(style.color));
      expect(g.marker).toMatch(new RegExp(`--${expected[i]}$`));
      expect(g.markerFill).toBe(rgb(style.color));
    });
    expect(groups[5].text).toBe('❌ Exchanges Authorization Code for Access Token');
    // the colours are in the file itself, not only in this browser's computed styles
    expect(svg).toContain(`stroke: ${rgb(statusMarks.failed.color)}`);
  });

  it('draws a band of the status colour behind each run of arrows', async () => {
    const { bands } = await messages(await readFile(join(out, 'diagrams', 'authorization-code.svg'), 'utf8'));
    const band = (s: Status) => statusMarks[s].band.replace(/\s+/g, '');
    expect(bands.map((b) => b!.replace(/\s+/g, ''))).toEqual(['passed', 'warning', 'passed', 'failed', 'skipped'].map((s) => band(s as Status)));
  });

  it('notes the first failing check on the failed arrow, and the warning on the warned one', async () => {
    const { notes } = await messages(await readFile(join(out, 'diagrams', 'authorization-code.svg'), 'utf8'));
    const failed = notes.find((n) => n.text.startsWith('❌'))!;
    expect(failed.text).toBe('❌ code reuse is refused with invalid_grant (RFC 6749 §4.1.3)\nsecond use answered 200; the grant #2 was not revoked');
    expect(failed.border).toBe(rgb(statusMarks.failed.color));
    expect(notes.find((n) => n.text.startsWith('⚠️'))?.text).toContain('login form is served over a fresh page');
    // the seed's own notes are still there
    expect(notes.some((n) => n.text.includes('User wants to grant the client access to their resources.'))).toBe(true);
  });

  it('marks every arrow of a not-applicable flow and gives the reason', async () => {
    const { groups, notes } = await messages(await readFile(join(out, 'diagrams', 'device-code.svg'), 'utf8'));
    expect(groups).toHaveLength(5);
    expect(groups.every((g) => g.status === 'not-applicable' && g.text.startsWith('➖') && g.stroke === rgb(statusMarks['not-applicable'].color))).toBe(true);
    expect(notes[0].text).toBe('➖ not applicable\ndevice_authorization_endpoint is missing from discovery');
  });

  it('writes the .md with a title, a status summary and the annotated mermaid in a fenced block', async () => {
    const md = await readFile(join(out, 'diagrams', 'authorization-code.md'), 'utf8');
    expect(md).toMatch(/^# Authorization code with PKCE\n\n\*\*❌ failed\*\* · flow `authorization-code`/);
    // passed | failed | warning | skipped | not applicable, counted over the arrows
    expect(md).toContain('| 4 | 1 | 1 | 3 | 0 |');
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(md)![1];
    expect(block).toMatch(/^%% flow: authorization-code\n/);
    expect(block).toContain('Client ->> AS: ❌ Exchanges Authorization Code for Access Token');
    expect(block).toContain(`rect ${statusMarks.failed.band}`);
    expect(md).toContain('| 6 | Client → AS: Exchanges Authorization Code for Access Token | ❌ failed | 1/2 | code reuse is refused with invalid_grant (RFC 6749 §4.1.3): second use answered 200; the grant #2 was not revoked |');
    expect(md).toContain('[SVG](authorization-code.svg) · [PNG](authorization-code.png)');
  });

  it('writes a real PNG of the diagram', async () => {
    const png = await readFile(join(out, 'diagrams', 'authorization-code.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(600);
  });

  it('renders every flow diagram with mermaid in the same page', async () => {
    const dir = join(root, 'diagrams');
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.mmd'))) {
      const { svg, png } = await renderer.render(readFileSync(join(dir, file), 'utf8'), { id: `plain-${file.replace('.mmd', '')}`, png: false });
      expect(svg, file).toMatch(/^<svg [^>]*aria-roledescription="sequence"/);
      expect(png.length).toBe(0);
    }
  });

  it('annotates and draws mermaid 11 half arrows, forward and reverse', async () => {
    const source = 'sequenceDiagram\n  participant C as Client\n  participant AS\n  C-|\\AS: push the request\n  C/|--AS: answer it\n  C-//AS: go on';
    const steps = [0, 1, 2].map((index) => ({
      index, from: '', to: '', text: '', durationMs: 1,
      status: (index === 1 ? 'failed' : index === 2 ? 'skipped' : 'passed') as Status,
      checks: index === 1 ? [{ name: 'answer is JSON', spec: 'RFC 6749 §5.1', severity: 'failure' as const, status: 'failed' as Status, detail: 'got text/html' }] : [],
    }));
    const annotated = annotateDiagram(source, { id: 'half', title: 'half', diagram: 'half.mmd', status: 'failed', durationMs: 3, steps });
    expect(parseSequenceDiagram(annotated).arrows.map((a) => [a.from, a.kind, a.to])).toEqual([['C', '-|\\', 'AS'], ['AS', '/|--', 'C'], ['C', '-//', 'AS']]);
    const { svg } = await renderer.render(annotated, { id: 'half-arrows', png: false });
    for (const status of ['passed', 'failed', 'skipped']) expect(svg).toContain(`data-status="${status}"`);
    expect(svg).toContain('answer is JSON');
  });

  it('reports a diagram mermaid rejects as a render error, and keeps rendering after it', async () => {
    await expect(renderer.render('sequenceDiagram\n  A->>B')).rejects.toThrow(/mermaid could not render the diagram: Parse error/);
    const { svg } = await renderer.render('sequenceDiagram\n  A->>B: ✅ fine', { png: false });
    expect(svg).toContain('data-status="passed"');
  });
});
