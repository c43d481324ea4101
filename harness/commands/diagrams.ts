/**
 * `nauthera diagrams --results FILE [--out DIR]`: redraw the annotated diagrams of any run.
 * `nauthera diagrams extract FILE.md... [--out diagrams/]`: pull sequence diagrams out of docs.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../cli-errors.ts';
import { launchChromium } from '../browser/chromium.ts';
import { findChromium } from '../browser/find-chromium.ts';
import { extractSequenceDiagrams } from '../diagram/extract.ts';
import { DiagramSyntaxError, parseSequenceDiagram } from '../diagram/parse.ts';
import { readResults } from '../results/io.ts';
import { projectRoot } from '../flow/runner.ts';
import { diagramFormats, writeAnnotatedDiagrams, type DiagramFormat } from '../diagram/write.ts';

const redrawHelp = `usage: nauthera diagrams --results FILE [--out DIR] [--format svg,png,md] [--root DIR] [--browser PATH]
       nauthera diagrams extract FILE.md... [--out DIR] [--force]

Redraws the annotated diagrams of an earlier run from its results.json, without running the
suites again: DIR/diagrams/<flow>.svg, .png and .md (the .md holds the annotated mermaid in a
fenced block, which git hosts render).

options:
  --results FILE   the results.json of a run (required)
  --out DIR        where to write diagrams/ (default: the directory of FILE)
  --format LIST    which of svg,png,md to write (default: all three)
  --root DIR       the project the run's diagram paths are relative to (default: nauthera's
                   own directory, where \`nauthera run\` read them)
  --browser PATH   the Chromium that draws svg and png (default: NAUTHERA_CHROMIUM, else
                   one \`npx playwright install chromium\` installed, else a system one)
  -h, --help       this help

The results file is checked against results.schema.json first (nauthera's published schema):
a file that does not conform is refused with the JSON path of each problem.

exit codes: 0 all drawn, 1 a diagram could not be drawn, 2 usage error or unreadable or
nonconforming results file`;

const extractHelp = `usage: nauthera diagrams extract FILE.md... [--out DIR] [--force]

Copies every \`\`\`mermaid block that holds a sequenceDiagram out of the Markdown files into
DIR/<name>.mmd, named from the nearest heading above it (slugified; a repeated name gets -2, -3).
Each file starts with a %% comment naming its source. A file already in DIR that was not
extracted from the same Markdown file is left alone unless --force is given.

options:
  --out DIR    where to write the .mmd files (default: diagrams/)
  --force      overwrite .mmd files that came from elsewhere
  -h, --help   this help

exit codes: 0 all extracted, 1 none found or a block is not a valid diagram, 2 usage error`;

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'extract') return extract(args.slice(1));
  return redraw(args);
}

async function redraw(args: string[]): Promise<number> {
  const options = {
    results: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    root: { type: 'string' },
    browser: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values, positionals } = parse(() => parseArgs({ args, options, allowPositionals: true, strict: true }), redrawHelp);
  if (values.help) {
    console.log(redrawHelp);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${redrawHelp}`);
  if (typeof values.results !== 'string') throw new UsageError(`--results FILE is required\n\n${redrawHelp}`);
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
  const options = {
    out: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values, positionals } = parse(() => parseArgs({ args, options, allowPositionals: true, strict: true }), extractHelp);
  if (values.help) {
    console.log(extractHelp);
    return 0;
  }
  if (!positionals.length) throw new UsageError(`name at least one Markdown file\n\n${extractHelp}`);
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

/** parseArgs' own errors (unknown option...) are usage errors: exit 2 with the help. */
function parse<T>(read: () => T, help: string): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
}

function parseFormats(value: string | undefined): DiagramFormat[] {
  if (!value) return [...diagramFormats];
  const formats = value.split(',').map((f) => f.trim().toLowerCase());
  const bad = formats.find((f) => !(diagramFormats as readonly string[]).includes(f));
  if (bad) throw new UsageError(`unknown format "${bad}": choose from ${diagramFormats.join(', ')}`);
  return formats as DiagramFormat[];
}
