/**
 * `nauthera merge DIR... [--out DIR]`: the reports of the shards of one run (`nauthera run
 * --shard i/n`, one per CI machine) as one run's reports: results.json, junit.xml, report.html
 * and the annotated diagrams, like Playwright's merge-reports. The exit code is the one an
 * unsharded run would have had.
 */
import { resolve, join } from 'node:path';
import { UsageError } from '../cli-errors.ts';
import { parseCommandArgsAndOperands } from './command-args.ts';
import { readResults } from '../results/io.ts';
import { mergeShards } from '../results/merge.ts';
import { writeReports } from '../report/write.ts';
import { summaryTable } from '../report/summary.ts';
import { exitCodeFor } from '../results/status.ts';
import { projectRoot } from '../flow/runner.ts';

const usage = `usage: nauthera merge DIR... [--out DIR] [--warnings-as-failures] [--browser PATH]

Combines the report directories of the shards of one run (\`nauthera run --shard i/n\`) into one
run's reports: results.json, junit.xml, report.html and diagrams/, as one unsharded run writes them.

  --out      the report directory to write (default: reports/)
  --warnings-as-failures
             as for run: a warning is a failure in junit.xml and the exit code
  --browser  the Chromium that draws the diagrams (as for run)

Exit 0 when every applicable failure check of every shard passed (or is an expected failure),
1 when one did not, 2 when the directories are not the shards of one run.`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgsAndOperands(args, {
    out: { type: 'string' },
    'warnings-as-failures': { type: 'boolean' },
    browser: { type: 'string' },
  }, usage);
  if (!parsed) return 0;
  const { values, operands: dirs } = parsed;
  if (dirs.length === 0) throw new UsageError('give the report directories of the shards: nauthera merge reports-1 reports-2 ...');
  const shards = dirs.map((dir) => ({ from: dir, run: readResults(join(resolve(dir), 'results.json')) }));
  const merged = mergeShards(shards);
  const outDir = resolve(values.out ?? 'reports');
  const warningsAsFailures = values['warnings-as-failures'] === true;
  let browser;
  if (merged.flows.length > 0) {
    const { BrowserSession } = await import('../browser/session.ts');
    browser = new BrowserSession({ browser: values.browser });
  }
  try {
    const written = await writeReports(merged, outDir, { projectRoot, browser: browser ? await browser.get() : undefined, junit: { warningsAsFailures } });
    for (const warning of written.warnings) process.stderr.write(`warning: ${warning}\n`);
  } finally {
    await browser?.close();
  }
  console.log(summaryTable(merged));
  console.log(`\nmerged ${dirs.length} shard${dirs.length === 1 ? '' : 's'} into ${outDir}/ (results.json, junit.xml, report.html${merged.flows.length ? ', diagrams/' : ''})`);
  return exitCodeFor(merged, { warningsAsFailures });
}
