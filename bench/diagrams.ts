/**
 * Rendering the 11 annotated diagrams: mermaid loaded once into one reused page (what
 * `nauthera run` does, harness/diagram/render.ts: mermaid's ESM build; the same page with the
 * UMD bundle, build: 'umd', for comparison) against @mermaid-js/mermaid-cli drawing each
 * diagram on its own (a new page, mermaid loaded again, per diagram), in the same run, rounds
 * alternating. Once more, cold: mermaid-cli with a new browser per diagram, as 11 `mmdc` calls.
 * The sources are the real diagrams/*.mmd annotated with a synthetic result that has every
 * status in it (passed, a failure with its note, a warning, skipped, not applicable).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../harness/browser/chromium.ts';
import { annotateDiagram } from '../harness/diagram/annotate.ts';
import { parseSequenceDiagram } from '../harness/diagram/parse.ts';
import { createDiagramRenderer, launchPuppeteerChromium, renderWithMermaidCli } from '../harness/diagram/render.ts';
import type { FlowResult, Status, StepResult } from '../harness/results/model.ts';
import { distribution, median, ratio, type Distribution } from './stats.ts';

export interface AnnotatedDiagram {
  flow: string;
  source: string;
}

/** Each diagram annotated with a plausible result; every status appears somewhere in the 11. */
export function annotatedDiagrams(root: string): AnnotatedDiagram[] {
  const dir = join(root, 'diagrams');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mmd')).sort();
  return files.map((file, i) => {
    const flow = file.replace(/\.mmd$/, '');
    const source = readFileSync(join(dir, file), 'utf8');
    const arrows = parseSequenceDiagram(source, `diagrams/${file}`).arrows;
    const failAt = i % 4 === 1 ? Math.floor(arrows.length / 2) : -1;
    const warnAt = i % 4 === 2 ? arrows.length - 1 : -1;
    const notApplicable = i === files.length - 1;
    const steps: StepResult[] = arrows.map((a) => {
      const status: Status = failAt >= 0 && a.index > failAt ? 'skipped' : a.index === failAt ? 'failed' : a.index === warnAt ? 'warning' : 'passed';
      const checkStatus = status === 'skipped' ? 'skipped' : status;
      return {
        index: a.index,
        from: a.from,
        to: a.to,
        text: a.text,
        status,
        durationMs: 3,
        ...(status === 'skipped' ? { reason: 'an earlier step failed' } : {}),
        checks: [{ name: `${a.from} → ${a.to} answers as the spec says`, spec: 'RFC 6749 §4.1', severity: status === 'warning' ? 'warning' : 'failure', status: checkStatus, detail: status === 'failed' ? 'expected invalid_grant, got 200' : 'ok' }],
      };
    });
    const result: FlowResult = {
      id: flow,
      title: flow,
      diagram: `diagrams/${file}`,
      status: notApplicable ? 'not-applicable' : failAt >= 0 ? 'failed' : warnAt >= 0 ? 'warning' : 'passed',
      ...(notApplicable ? { reason: 'the target does not offer this flow (benchmark fixture)' } : {}),
      durationMs: 40,
      steps: notApplicable ? [] : steps,
    };
    return { flow, source: annotateDiagram(source, result) };
  });
}

export interface OnePageRound {
  /** New context, page, mermaid loaded and initialised, in an already running browser. */
  setupMs: number;
  /** The 11 SVGs, one after another in that page. */
  svgMs: number;
  /** The 11 again as SVG + PNG (what a run writes); not measured for the UMD variant. */
  svgPngMs: number | null;
  perDiagramMs: number[];
}

export interface CliRound {
  totalMs: number;
  perDiagramMs: number[];
}

export interface DiagramFigures {
  diagrams: number;
  rounds: number;
  browserLaunchMs: { playwright: number; puppeteer: number };
  /** harness/diagram/render.ts: mermaid's code-split ESM build (core + the sequence chunks) in one page. */
  onePage: OnePageRound[];
  /** The same renderer fed mermaid.min.js (3.5 MB UMD bundle), as before the ESM build. */
  onePageUmd: OnePageRound[];
  mermaidCli: CliRound[];
  /** mermaid-cli with a new browser per diagram, once. */
  mermaidCliCold: CliRound | null;
  summary: {
    /** Median over rounds of set-up + 11 SVGs in one page. */
    onePageSvgMs: number;
    onePageSetupMs: number;
    onePageRenderMs: number;
    onePageSvgPngMs: number;
    onePagePerDiagramMs: Distribution;
    umdSvgMs: number;
    umdSetupMs: number;
    umdPerDiagramMs: Distribution;
    /** Median over rounds of the 11 SVGs through mermaid-cli, shared browser. */
    mermaidCliMs: number;
    mermaidCliPerDiagramMs: Distribution;
    /** mermaid-cli ÷ one page (same run). */
    ratio: number | null;
    /** UMD one page ÷ ESM one page (the default). */
    umdRatio: number | null;
    coldMs: number | null;
    /** 11 mmdc-like calls ÷ (browser launch + one page). */
    coldRatio: number | null;
  };
}

function checkSvg(flow: string, svg: string): void {
  if (!/^<svg[\s>]/.test(svg.trimStart()) || !svg.includes('</svg>')) throw new Error(`the ${flow} diagram did not render to an SVG`);
}

export async function measureDiagrams(root: string, options: { rounds: number; cold: boolean; log: (line: string) => void }): Promise<DiagramFigures> {
  const diagrams = annotatedDiagrams(root);
  let t = performance.now();
  const browser = await launchChromium();
  const playwrightLaunch = performance.now() - t;
  t = performance.now();
  const puppeteer = await launchPuppeteerChromium().catch(async (error) => {
    await browser.close();
    throw error;
  });
  const puppeteerLaunch = performance.now() - t;
  const onePage: OnePageRound[] = [];
  const onePageUmd: OnePageRound[] = [];
  const mermaidCli: CliRound[] = [];
  try {
    const runOnePage = async () => {
      const t0 = performance.now();
      const renderer = await createDiagramRenderer({ browser });
      const t1 = performance.now();
      const perDiagramMs: number[] = [];
      try {
        for (const d of diagrams) {
          const s = performance.now();
          const { svg } = await renderer.render(d.source, { id: `bench-${d.flow}`, png: false });
          perDiagramMs.push(performance.now() - s);
          checkSvg(d.flow, svg);
        }
        const t2 = performance.now();
        for (const d of diagrams) {
          const { png } = await renderer.render(d.source, { id: `bench-png-${d.flow}`, png: true });
          if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error(`the ${d.flow} diagram did not render to a PNG`);
        }
        const t3 = performance.now();
        onePage.push({ setupMs: t1 - t0, svgMs: t2 - t1, svgPngMs: t3 - t2, perDiagramMs });
        options.log(`  one page: set-up ${Math.round(t1 - t0)} ms + 11 SVG ${Math.round(t2 - t1)} ms (11 SVG+PNG ${Math.round(t3 - t2)} ms)`);
      } finally {
        await renderer.close();
      }
    };
    const runUmd = async () => {
      const t0 = performance.now();
      const renderer = await createDiagramRenderer({ browser, build: 'umd' });
      const t1 = performance.now();
      const perDiagramMs: number[] = [];
      try {
        for (const d of diagrams) {
          const s = performance.now();
          const { svg } = await renderer.render(d.source, { id: `bench-umd-${d.flow}`, png: false });
          perDiagramMs.push(performance.now() - s);
          checkSvg(d.flow, svg);
        }
      } finally {
        await renderer.close();
      }
      const t2 = performance.now();
      onePageUmd.push({ setupMs: t1 - t0, svgMs: t2 - t1, svgPngMs: null, perDiagramMs });
      options.log(`  one page, UMD bundle: set-up ${Math.round(t1 - t0)} ms + 11 SVG ${Math.round(t2 - t1)} ms`);
    };
    const runCli = async () => {
      const perDiagramMs: number[] = [];
      const t0 = performance.now();
      for (const d of diagrams) {
        const s = performance.now();
        const svg = Buffer.from(await renderWithMermaidCli(d.source, 'svg', { browser: puppeteer })).toString('utf8');
        perDiagramMs.push(performance.now() - s);
        checkSvg(d.flow, svg);
      }
      const totalMs = performance.now() - t0;
      mermaidCli.push({ totalMs, perDiagramMs });
      options.log(`  mermaid-cli per diagram: 11 SVG ${Math.round(totalMs)} ms`);
    };
    // Warm-up of every path (first use of each browser, disk cache), then rounds in rotating order.
    const paths = [runOnePage, runCli, runUmd];
    for (const path of paths) await path();
    onePage.length = 0;
    onePageUmd.length = 0;
    mermaidCli.length = 0;
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < paths.length; k++) await paths[(round + k) % paths.length]();
    }
  } finally {
    await browser.close();
    await puppeteer.close();
  }

  let mermaidCliCold: CliRound | null = null;
  if (options.cold) {
    const perDiagramMs: number[] = [];
    const t0 = performance.now();
    for (const d of diagrams) {
      const s = performance.now();
      checkSvg(d.flow, Buffer.from(await renderWithMermaidCli(d.source, 'svg')).toString('utf8'));
      perDiagramMs.push(performance.now() - s);
    }
    mermaidCliCold = { totalMs: performance.now() - t0, perDiagramMs };
    options.log(`  mermaid-cli, a new browser per diagram: ${Math.round(mermaidCliCold.totalMs)} ms`);
  }

  const onePageSvgMs = median(onePage.map((r) => r.setupMs + r.svgMs));
  const umdSvgMs = median(onePageUmd.map((r) => r.setupMs + r.svgMs));
  const mermaidCliMs = median(mermaidCli.map((r) => r.totalMs));
  const coldBaseline = playwrightLaunch + onePageSvgMs;
  return {
    diagrams: diagrams.length,
    rounds: options.rounds,
    browserLaunchMs: { playwright: playwrightLaunch, puppeteer: puppeteerLaunch },
    onePage,
    onePageUmd,
    mermaidCli,
    mermaidCliCold,
    summary: {
      onePageSvgMs,
      onePageSetupMs: median(onePage.map((r) => r.setupMs)),
      onePageRenderMs: median(onePage.map((r) => r.svgMs)),
      onePageSvgPngMs: median(onePage.map((r) => r.setupMs + (r.svgPngMs ?? 0))),
      onePagePerDiagramMs: distribution(onePage.flatMap((r) => r.perDiagramMs)),
      umdSvgMs,
      umdSetupMs: median(onePageUmd.map((r) => r.setupMs)),
      umdPerDiagramMs: distribution(onePageUmd.flatMap((r) => r.perDiagramMs)),
      mermaidCliMs,
      mermaidCliPerDiagramMs: distribution(mermaidCli.flatMap((r) => r.perDiagramMs)),
      ratio: ratio(mermaidCliMs, onePageSvgMs),
      umdRatio: ratio(umdSvgMs, onePageSvgMs),
      coldMs: mermaidCliCold?.totalMs ?? null,
      coldRatio: mermaidCliCold ? ratio(mermaidCliCold.totalMs, coldBaseline) : null,
    },
  };
}
