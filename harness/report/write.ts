/**
 * Writes every output of a run into the report directory: results.json first (the
 * source of the rest), junit.xml, the annotated diagrams, then report.html, which embeds
 * the diagrams. A diagram that cannot be drawn is a warning, never a changed verdict.
 * Every secret the run handled is masked in the run first, wherever a suite printed it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import type { DiagramRenderer } from '../diagram/render.ts';
import type { RunResult } from '../results/model.ts';
import { renderHtml } from './html.ts';
import { toJUnit, type JUnitOptions } from './junit.ts';
import { writeResults } from '../results/io.ts';
import { scrubRunResult } from '../http/handled-secrets.ts';

export interface WrittenReports {
  files: string[];
  warnings: string[];
}

export interface WriteReportsOptions {
  /** Where the flows' .mmd paths are relative to. */
  projectRoot?: string;
  /** Draw the annotated diagrams (default true). */
  diagrams?: boolean;
  /** Render the diagrams in this browser instead of launching one. */
  browser?: Browser;
  /**
   * Or in this renderer, started earlier by the caller (who closes it) so that loading mermaid
   * overlaps other work; if it failed to start, the diagrams are a warning as usual.
   */
  renderer?: Promise<DiagramRenderer>;
  /** How junit.xml reports warnings. */
  junit?: JUnitOptions;
}

export async function writeReports(run: RunResult, outDir: string, options: WriteReportsOptions = {}): Promise<WrittenReports> {
  mkdirSync(outDir, { recursive: true });
  // In place, so that a later writeResults of the same run (with its phases) is clean as well.
  scrubRunResult(run);
  const files = [writeResults(run, outDir)];
  const warnings: string[] = [];
  const junit = join(outDir, 'junit.xml');
  writeFileSync(junit, toJUnit(run, options.junit));
  files.push(junit);
  if (options.diagrams !== false && run.flows.length > 0) {
    try {
      // Loaded here so that results.json and junit.xml are written even if the renderer cannot load.
      const { writeAnnotatedDiagrams } = await import('../diagram/write.ts');
      const renderer = await options.renderer;
      const written = await writeAnnotatedDiagrams(run, outDir, { projectRoot: options.projectRoot, browser: options.browser, renderer });
      for (const d of written) {
        if (d.error) warnings.push(`diagram of ${d.flow} not drawn: ${d.error}`);
        files.push(...d.files);
      }
    } catch (error) {
      warnings.push(`annotated diagrams not drawn: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const html = join(outDir, 'report.html');
  writeFileSync(html, renderHtml(run, { outDir }));
  files.push(html);
  return { files, warnings };
}
