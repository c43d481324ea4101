/**
 * `nauthera merge DIR... [--out DIR]`: the reports of the shards of one run (`nauthera run
 * --shard i/n`, one per CI machine) as one run's reports: results.json, junit.xml, report.html
 * and the annotated diagrams, like Playwright's merge-reports. The exit code is the one an
 * unsharded run would have had.
 */
import { resolve, join } from 'node:path';
import { defineCommand, parseCommand } from './command-table.ts';
import { readResults } from '../results/io.ts';
import { mergeShards } from '../results/merge.ts';
import { writeReports } from '../report/write.ts';
import { summaryTable } from '../report/summary.ts';
import { exitCodeFor } from '../results/status.ts';
import { projectRoot } from '../flow/runner.ts';

export const mergeCommand = defineCommand({
  command: 'merge',
  description: `Combines the report directories of the shards of one run (\`nauthera run --shard i/n\`) into one
run's reports: results.json, junit.xml, report.html and diagrams/, as one unsharded run writes them.`,
  operands: { name: 'DIR...', missing: 'give the report directories of the shards: nauthera merge reports-1 reports-2 ...' },
  options: {
    out: { type: 'string', value: 'DIR', help: 'the report directory to write (default: reports/)' },
    'warnings-as-failures': { type: 'boolean', help: 'as for run: a warning is a failure in junit.xml and the exit code' },
    browser: { type: 'string', value: 'PATH', help: 'the Chromium that draws the diagrams (as for run)' },
  },
  exitCodes: {
    0: 'every applicable failure check of every shard passed (or is an expected failure)',
    1: 'one did not',
    2: 'the directories are not the shards of one run, or a usage error',
  },
});

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(mergeCommand, args);
  if (!parsed) return 0;
  const { values, operands: dirs } = parsed;
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
