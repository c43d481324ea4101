/**
 * `nauthera diagrams --results FILE [--out DIR]`: redraw the annotated diagrams of any run.
 * `nauthera diagrams extract FILE.md... [--out diagrams/]`: pull sequence diagrams out of docs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../cli-errors.ts';
import { defineCommand, parseCommand } from './command-table.ts';
import { launchChromium } from '../browser/chromium.ts';
import { findChromium } from '../browser/find-chromium.ts';
import { extractSequenceDiagrams } from '../diagram/extract.ts';
import { DiagramSyntaxError, parseSequenceDiagram } from '../diagram/parse.ts';
import { readResults } from '../results/io.ts';
import { projectRoot } from '../flow/runner.ts';
import { diagramFormats, writeAnnotatedDiagrams, type DiagramFormat } from '../diagram/write.ts';

export const diagramsCommand = defineCommand({
  command: 'diagrams',
  description: `Redraws the annotated diagrams of an earlier run from its results.json, without running the
suites again: DIR/diagrams/<flow>.svg, .png and .md (the .md holds the annotated mermaid in a
fenced block, which git hosts render). \`nauthera diagrams extract --help\` copies diagrams out of Markdown.`,
  options: {
    results: { type: 'string', value: 'FILE', required: true, help: 'the results.json of a run' },
    out: { type: 'string', value: 'DIR', help: 'where to write diagrams/ (default: the directory of FILE)' },
    format: { type: 'string', value: 'LIST', help: 'which of svg,png,md to write (default: all three)' },
    root: { type: 'string', value: 'DIR', help: "the project the run's diagram paths are relative to (default: nauthera's\nown directory, where `nauthera run` read them)" },
    browser: { type: 'string', value: 'PATH', help: 'the Chromium that draws svg and png (default: NAUTHERA_CHROMIUM, else\none `npx playwright install chromium` installed, else a system one)' },
  },
  notes: `The results file is checked against results.schema.json first (nauthera's published schema):
a file that does not conform is refused with the JSON path of each problem.`,
  exitCodes: { 0: 'all drawn', 1: 'a diagram could not be drawn', 2: 'usage error or unreadable or nonconforming results file' },
});

export const extractCommand = defineCommand({
  command: 'diagrams extract',
  description: `Copies every \`\`\`mermaid block that holds a sequenceDiagram out of the Markdown files into
DIR/<name>.mmd, named from the nearest heading above it (slugified; a repeated name gets -2, -3).
Each file starts with a %% comment naming its source. A file already in DIR that was not
extracted from the same Markdown file is left alone unless --force is given.`,
  operands: { name: 'FILE.md...', missing: 'name at least one Markdown file' },
  options: {
    out: { type: 'string', value: 'DIR', help: 'where to write the .mmd files (default: diagrams/)' },
    force: { type: 'boolean', help: 'overwrite .mmd files that came from elsewhere' },
  },
  exitCodes: { 0: 'all extracted', 1: 'none found or a block is not a valid diagram', 2: 'usage error' },
});

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'extract') return extract(args.slice(1));
  return redraw(args);
}

async function redraw(args: string[]): Promise<number> {
  const parsed = parseCommand(diagramsCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const formats = parseFormats(values.format);
  // A --browser that is not there is named before anything is read.
  if (values.browser !== undefined) findChromium({ browser: values.browser });
  const runResult = readResults(values.results);
  const outDir = values.out ?? dirname(values.results);
  // svg and png are drawn in Chromium: the one --browser names, else the one findChromium() finds.
  const drawn = runResult.flows.length > 0 && (formats.includes('svg') || formats.includes('png'));
  const browser = drawn ? await launchChromium({ browser: values.browser }) : undefined;
  let written;
  try {
    written = await writeAnnotatedDiagrams(runResult, outDir, { formats, projectRoot: values.root ?? projectRoot, browser });
  } finally {
    await browser?.close();
  }
  let failed = 0;
  for (const w of written) {
    if (w.error) {
      failed++;
      console.error(`✗ ${w.flow}: ${w.error}`);
    } else console.log(`✓ ${w.flow}: ${w.files.map((f) => relative(process.cwd(), f) || f).join(', ')}`);
  }
  if (!written.length) console.log(`${values.results} holds no flows: nothing to draw`);
  return failed ? 1 : 0;
}

async function extract(args: string[]): Promise<number> {
  const parsed = parseCommand(extractCommand, args);
  if (!parsed) return 0;
  const { values, operands: positionals } = parsed;
  const outDir = values.out ?? 'diagrams';
  const documents: Array<{ file: string; text: string }> = [];
  for (const file of positionals) {
    try {
      documents.push({ file, text: await readFile(file, 'utf8') });
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
  await mkdir(outDir, { recursive: true });
  const taken = new Set<string>();
  let wrote = 0;
  let problems = 0;
  for (const { file, text } of documents) {
    const sourceName = relative(process.cwd(), file) || file;
    for (const diagram of extractSequenceDiagrams(text, sourceName, taken)) {
      try {
        parseSequenceDiagram(diagram.body);
      } catch (error) {
        if (!(error instanceof DiagramSyntaxError)) throw error;
        // The block's line 1 is the line after the opening fence.
        console.error(`✗ ${sourceName}:${diagram.line + error.line}: ${error.reason} (block not extracted)`);
        problems++;
        continue;
      }
      const target = join(outDir, `${diagram.name}.mmd`);
      if (existsSync(target) && !values.force) {
        const existing = await readFile(target, 'utf8');
        if (!existing.startsWith(`%% source: ${sourceName},`)) {
          console.error(`✗ ${target} exists and was not extracted from ${sourceName}; left alone (use --force to overwrite)`);
          problems++;
          continue;
        }
      }
      await writeFile(target, diagram.source);
      wrote++;
      console.log(`✓ ${target}  ← ${sourceName}:${diagram.line}${diagram.heading ? ` "${diagram.heading}"` : ''}`);
    }
  }
  if (!wrote && !problems) {
    console.error(`no mermaid sequenceDiagram blocks found in ${positionals.join(', ')}`);
    return 1;
  }
  return problems ? 1 : 0;
}

function parseFormats(value: string | undefined): DiagramFormat[] {
  if (!value) return [...diagramFormats];
  const formats = value.split(',').map((f) => f.trim().toLowerCase());
  const bad = formats.find((f) => !(diagramFormats as readonly string[]).includes(f));
  if (bad) throw new UsageError(`unknown format "${bad}": choose from ${diagramFormats.join(', ')}`);
  return formats as DiagramFormat[];
}
