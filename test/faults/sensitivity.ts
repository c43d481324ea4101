/**
 * `npm run faults`: runs the fault catalogue (test/faults/proofs/) in its batches and prints
 * the sensitivity table, fault → check id → arrow → caught or not, with anything a batch
 * failed that no fault expects. Writes the table to reports/faults.md too, and with
 * --update-docs (or its older name --update-readme) between the `<!-- faults:start -->` and
 * `<!-- faults:end -->` marks of docs/faults.md, and its summary line into the README.
 * Exit 1 when a fault goes uncaught or something else fails. NAUTHERA_FAULTS=a,b runs only those.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../harness/flow/runner.ts';
import { faultDescriptions } from '../../reference-server/config/faults.ts';
import { faultProofs } from './proofs/index.ts';
import { disturbedArrows, planBatches, runBatch, selectProofs, unexpectedOf, verdictOf, type FaultVerdict, type Unpassed } from './support/batches.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Replaces what lies between two marks of a document, so it shows the latest output. */
function replaceBetweenMarks(relativePath: string, start: string, end: string, text: string): void {
  const file = join(projectRoot, relativePath);
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${relativePath} has no ${start} ... ${end} section to update`);
  writeFileSync(file, `${doc.slice(0, from + start.length)}${text}${doc.slice(to)}`);
}

/** The table into docs/faults.md; its one-line summary, without the timing, into the README. */
function updateDocs(table: string, summary: string): void {
  replaceBetweenMarks('docs/faults.md', '<!-- faults:start -->', '<!-- faults:end -->', `\n${table}\n`);
  replaceBetweenMarks('README.md', '<!-- faults-summary:start -->', '<!-- faults-summary:end -->', summary);
  process.stderr.write('docs/faults.md and README.md: the sensitivity table is updated\n');
}

async function main(): Promise<number> {
  const batches = planBatches(selectProofs(faultProofs));
  const started = performance.now();
  const verdicts: FaultVerdict[] = [];
  const extras: Array<Unpassed & { batch: number }> = [];
  const disturbed: string[] = [];
  for (const [n, batch] of batches.entries()) {
    const t0 = performance.now();
    process.stderr.write(`batch ${n + 1}/${batches.length}: ${batch.proofs.map((p) => p.fault).join(', ')} through ${batch.flows.length} flows ... `);
    const outcome = await runBatch(batch);
    for (const proof of batch.proofs) verdicts.push(verdictOf(proof, outcome));
    extras.push(...unexpectedOf(outcome).map((u) => ({ ...u, batch: n + 1 })));
    disturbed.push(...disturbedArrows(outcome));
    process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const caught = verdicts.filter((v) => v.caught).length;
  const summary = `${caught} of ${verdicts.length} faults caught by exactly their checks, in ${batches.length} runs`;
  const lines = [
    `| fault | breaks | check id | arrow | caught |`,
    `|---|---|---|---|---|`,
    ...verdicts.flatMap((v) => v.expected.map((e, i) => `| ${i === 0 ? `\`${v.fault}\`` : ''} | ${i === 0 ? cell(faultDescriptions[v.fault]) : ''} | \`${e.id}\` | ${cell(e.step)} | ${e.caught ? '✅ caught' : `❌ not caught${e.seen.length ? `: ${cell(e.seen.join('; '))}` : ''}`} |`)),
    '',
    `${summary} (${((performance.now() - started) / 1000).toFixed(0)} s).`,
    ...(extras.length || disturbed.length ? ['', 'Failed though no fault of its batch expects it:', ...extras.map((u) => `- batch ${u.batch}, ${u.flow}: ${u.key}: ${u.detail}`), ...disturbed.map((d) => `- ${d}`)] : []),
  ];
  const out = join(projectRoot, 'reports');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'faults.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
  if (process.argv.includes('--update-docs') || process.argv.includes('--update-readme')) {
    // The docs show the whole catalogue: a run of some faults (NAUTHERA_FAULTS) would replace it with a part.
    if (process.env.NAUTHERA_FAULTS?.trim()) process.stderr.write('--update-docs: not written, NAUTHERA_FAULTS ran only part of the catalogue\n');
    else updateDocs(lines.join('\n'), summary);
  }
  return caught === verdicts.length && extras.length === 0 && disturbed.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`npm run faults: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
