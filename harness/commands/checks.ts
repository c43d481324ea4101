/**
 * `nauthera checks [--flow ID] [--json]`: the check catalogue, every check a suite can run
 * with its stable id, name, spec, severity, flow and arrow. Ids are what expectedFailures
 * and CI gates should name: they survive a reworded check name.
 */
import { join } from 'node:path';
import { UsageError } from '../cli-errors.ts';
import { catalogueProblems, flowCatalogue, type CatalogueEntry } from '../flow/catalogue.ts';
import { importSuite, listSuites } from '../flow/load-suites.ts';
import { projectRoot } from '../flow/runner.ts';
import { documentCounts } from '../flow/spec-references.ts';
import { parseCommandArgs } from './command-args.ts';

const help = `usage: nauthera checks [--flow ID,ID] [--json | --specs]

Lists every check of the suites: its id (<flow>/<step>/<check>), severity, spec reference,
name and the arrow it sits on. Name checks by id in a target config's expectedFailures.

options:
  --flow LIST   only these flows (comma-separated ids)
  --json        one JSON array of {id, flow, name, spec, severity, step: {number, key, from, to, text}}
  --specs       the specification documents the checks cite, each with how many checks cite it
  -h, --help    this help

exit codes: 0 listed, 1 a suite could not be loaded, 2 usage error (e.g. an unknown flow)`;

export async function loadCatalogue(flows?: string[]): Promise<{ entries: CatalogueEntry[]; problems: string[] }> {
  const suites = listSuites(join(projectRoot, 'suites'));
  const unknown = (flows ?? []).filter((id) => !suites.some((s) => s.id === id));
  if (unknown.length > 0) throw new UsageError(`unknown flow ${unknown.map((id) => `"${id}"`).join(', ')}; the flows are ${suites.map((s) => s.id).join(', ')}`);
  const entries: CatalogueEntry[] = [];
  const problems: string[] = [];
  for (const entry of suites.filter((s) => !flows || flows.includes(s.id))) {
    const suite = await importSuite(entry);
    if (!suite.flow) {
      problems.push(suite.error ?? `${entry.id}: no flow`);
      continue;
    }
    problems.push(...catalogueProblems(suite.flow));
    entries.push(...flowCatalogue(suite.flow));
  }
  return { entries, problems };
}

export async function run(args: string[]): Promise<number> {
  const values = parseCommandArgs(args, { flow: { type: 'string' }, json: { type: 'boolean' }, specs: { type: 'boolean' } }, help);
  if (!values) return 0;
  const flows = values.flow ? values.flow.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const { entries, problems } = await loadCatalogue(flows);
  if (values.json && values.specs) throw new UsageError('--json and --specs are two different listings; give one');
  if (values.json) {
    console.log(JSON.stringify(entries, null, 2));
  } else if (values.specs) {
    const documents = documentCounts(entries.map((e) => e.spec));
    const width = Math.max(...documents.map((d) => d.document.length), 8);
    for (const d of documents) console.log(`${d.document.padEnd(width)}  ${String(d.checks).padStart(4)} check${d.checks === 1 ? '' : 's'}`);
    console.log(`\n${documents.length} specifications cited by ${entries.length} checks`);
  } else {
    let flow = '';
    for (const e of entries) {
      if (e.flow !== flow) {
        flow = e.flow;
        console.log(`\n${flow}`);
      }
      console.log(`  ${e.id}\n      ${e.severity === 'warning' ? 'warning' : 'failure'} · ${e.spec} · arrow ${e.step.number} ${e.step.from} → ${e.step.to}: ${e.step.text}\n      ${e.name}`);
    }
    console.log(`\n${entries.length} checks in ${new Set(entries.map((e) => e.flow)).size} flows`);
  }
  for (const p of problems) console.error(`nauthera checks: ${p}`);
  return problems.length > 0 ? 1 : 0;
}
