/**
 * Writes the annotated diagrams of a run: outDir/diagrams/<flow>.svg, .png and .md. All the
 * diagrams of a run are drawn in one browser page (render.ts). This is what `nauthera run` and
 * `nauthera diagrams --results` call; it needs nothing but a RunResult and the .mmd files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { FlowResult, RunResult, Status } from '../results/model.ts';
import { statusMarks } from '../results/marks.ts';
import { annotateDiagram, arrowStatus } from './annotate.ts';
import { parseSequenceDiagram } from './parse.ts';
import { createDiagramRenderer, type DiagramRenderer } from './render.ts';
import { slugify } from './extract.ts';

export type DiagramFormat = 'svg' | 'png' | 'md';
export const diagramFormats: readonly DiagramFormat[] = ['svg', 'png', 'md'];

export interface WriteDiagramsOptions {
  /** Default: all three. */
  formats?: DiagramFormat[];
  /** Where flow.diagram paths are relative to. Default: process.cwd(). */
  projectRoot?: string;
  /** Render in this browser (a context of its own) instead of launching Chromium. */
  browser?: Browser;
  /** Or reuse a renderer the caller owns (not closed here). */
  renderer?: DiagramRenderer;
}

export interface WrittenDiagram {
  flow: string;
  /** Paths of the files written: join(outDir, 'diagrams', '<flow>.<ext>'). */
  files: string[];
  /** Why this flow's diagram could not be drawn (missing .mmd, syntax error, render error). */
  error?: string;
}

export async function writeAnnotatedDiagrams(run: RunResult, outDir: string, options: WriteDiagramsOptions = {}): Promise<WrittenDiagram[]> {
  const formats = options.formats ?? [...diagramFormats];
  const root = options.projectRoot ?? process.cwd();
  const dir = join(outDir, 'diagrams');
  const needsBrowser = formats.includes('svg') || formats.includes('png');
  let renderer = options.renderer;
  const ownRenderer = !renderer && needsBrowser && run.flows.length > 0;
  const results: WrittenDiagram[] = [];
  if (run.flows.length) await mkdir(dir, { recursive: true });
  try {
    if (ownRenderer) renderer = await createDiagramRenderer({ browser: options.browser });
    for (const flow of run.flows) {
      const name = fileStem(flow.id);
      const written: WrittenDiagram = { flow: flow.id, files: [] };
      results.push(written);
      try {
        const mmdPath = isAbsolute(flow.diagram) ? flow.diagram : resolve(root, flow.diagram);
        let source: string;
        try {
          source = await readFile(mmdPath, 'utf8');
        } catch {
          throw new Error(`diagram ${flow.diagram} not found (looked in ${mmdPath})`);
        }
        const annotated = annotateDiagram(source, flow);
        if (formats.includes('md')) {
          const file = join(dir, `${name}.md`);
          await writeFile(file, annotatedMarkdown(run, flow, source, annotated, formats, name));
          written.files.push(file);
        }
        if (needsBrowser && renderer) {
          const drawn = await renderer.render(annotated, { id: `diagram-${name}`, png: formats.includes('png') });
          if (formats.includes('svg')) {
            const file = join(dir, `${name}.svg`);
            await writeFile(file, `<?xml version="1.0" encoding="UTF-8"?>\n${drawn.svg}\n`);
            written.files.push(file);
          }
          if (formats.includes('png')) {
            const file = join(dir, `${name}.png`);
            await writeFile(file, drawn.png);
            written.files.push(file);
          }
        }
      } catch (error) {
        written.error = error instanceof Error ? error.message : String(error);
      }
    }
  } finally {
    if (ownRenderer) await renderer?.close();
  }
  return results;
}

/** Flow ids come from results files, which may come from anywhere: keep them to one file name. */
function fileStem(id: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) ? id : slugify(id);
}

/** The .md: a title, a status summary, the annotated mermaid (git hosts render it), the steps. */
export function annotatedMarkdown(run: RunResult, flow: FlowResult, source: string, annotated: string, formats: DiagramFormat[], name: string): string {
  const arrows = parseSequenceDiagram(source, flow.diagram).arrows;
  const counts = new Map<Status, number>();
  for (const a of arrows) counts.set(arrowStatus(flow, a.index), (counts.get(arrowStatus(flow, a.index)) ?? 0) + 1);
  const flowStyle = statusMarks[flow.status];
  const target = run.target.kind === 'reference' ? `reference (${run.target.issuer})` : run.target.issuer;
  const order = Object.keys(statusMarks) as Status[];
  const lines = [
    `# ${flow.title || flow.id}`,
    '',
    `**${flowStyle.emoji} ${flowStyle.label}** · flow \`${flow.id}\` · target ${cell(target)} · run ${run.startedAt} · ${flow.durationMs} ms`,
    '',
  ];
  if (flow.reason) lines.push(`> ${statusMarks[flow.status].label}: ${cell(flow.reason)}`, '');
  lines.push(
    `| ${order.map((s) => `${statusMarks[s].emoji} ${statusMarks[s].label}`).join(' | ')} |`,
    `|${order.map(() => '---').join('|')}|`,
    `| ${order.map((s) => counts.get(s) ?? 0).join(' | ')} |`,
    '',
    '```mermaid',
    annotated.replace(/\n*$/, ''),
    '```',
    '',
    '| # | arrow | status | checks passed | first failing check |',
    '|---|---|---|---|---|',
  );
  for (const a of arrows) {
    const status = arrowStatus(flow, a.index);
    const step = flow.steps.find((s) => s.index === a.index);
    const checks = step?.checks ?? [];
    const passed = checks.filter((c) => c.status === 'passed').length;
    const failing = checks.find((c) => c.status === 'failed') ?? checks.find((c) => c.status === 'warning');
    const why = failing ? `${failing.name}${failing.spec ? ` (${failing.spec})` : ''}: ${failing.detail}` : (step?.reason ?? '');
    const id = failing?.id ? `\`${cell(failing.id.replace(/`/g, ''))}\` ` : '';
    lines.push(
      `| ${a.index + 1} | ${cell(`${a.from} → ${a.to}: ${a.plainText ?? a.text}`)} | ${statusMarks[status].emoji} ${statusMarks[status].label} | ${checks.length ? `${passed}/${checks.length}` : ''} | ${id}${cell(why)} |`,
    );
  }
  const rendered = (['svg', 'png'] as const).filter((f) => formats.includes(f)).map((f) => `[${f.toUpperCase()}](${name}.${f})`);
  if (rendered.length) lines.push('', `Rendered: ${rendered.join(' · ')}`);
  lines.push('');
  return lines.join('\n');
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').trim();
}
