/**
 * `npm run faults`: runs the fault catalogue (test/faults/proofs/) in its batches and prints
 * the sensitivity table, fault → check id → arrow → caught or not, with anything a batch
 * failed that no fault expects. Writes the table to reports/faults.md too, and with
 * --update-readme between the README's `<!-- faults:start -->` and `<!-- faults:end -->` marks.
 * Exit 1 when a fault goes uncaught or something else fails. NAUTHERA_FAULTS=a,b runs only those.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../harness/flow/runner.ts';
import { faultDescriptions } from '../../reference-server/config/faults.ts';
import { faultProofs } from './proofs/index.ts';
import { disturbedArrows, planBatches, runBatch, selectProofs, unexpectedOf, verdictOf, type FaultVerdict, type Unpassed } from './support/batches.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Puts the table between the README's marks, so the README shows the latest output. */
function updateReadme(table: string): void {
  const file = join(projectRoot, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const start = '<!-- faults:start -->';
  const end = '<!-- faults:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} section to update`);
  writeFileSync(file, `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
  process.stderr.write('README.md: the sensitivity table is updated\n');
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
  const lines = [
    `| fault | breaks | check id | arrow | caught |`,
    `|---|---|---|---|---|`,
    ...verdicts.flatMap((v) => v.expected.map((e, i) => `| ${i === 0 ? `\`${v.fault}\`` : ''} | ${i === 0 ? cell(faultDescriptions[v.fault]) : ''} | \`${e.id}\` | ${cell(e.step)} | ${e.caught ? '✅ caught' : `❌ not caught${e.seen.length ? `: ${cell(e.seen.join('; '))}` : ''}`} |`)),
    '',
    `${caught} of ${verdicts.length} faults caught by exactly their checks, in ${batches.length} runs (${((performance.now() - started) / 1000).toFixed(0)} s).`,
    ...(extras.length || disturbed.length ? ['', 'Failed though no fault of its batch expects it:', ...extras.map((u) => `- batch ${u.batch}, ${u.flow}: ${u.key}: ${u.detail}`), ...disturbed.map((d) => `- ${d}`)] : []),
  ];
  const out = join(projectRoot, 'reports');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'faults.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
  if (process.argv.includes('--update-readme')) updateReadme(lines.join('\n'));
  return caught === verdicts.length && extras.length === 0 && disturbed.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`npm run faults: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
