/**
 * results.json on disk: the source of every other report, so any earlier run can be redrawn.
 * The one writer (`nauthera run`) and the one reader (`nauthera diagrams --results`, tests).
 * A file that cannot be read, is not JSON or has the wrong shape is a ConfigError (exit 2)
 * that says what is wrong and where.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../cli-errors.ts';
import { statuses, type RunResult } from './model.ts';
import { validateResults } from './schema.ts';

export function writeResults(run: RunResult, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

export interface ReadResultsOptions {
  /**
   * 'schema' (default): the whole file must conform to results.schema.json.
   * 'drawing': only what drawing the diagrams needs (flows, steps, statuses), so that a file
   * from another version of nauthera, or edited by hand, can still be redrawn.
   */
  check?: 'schema' | 'drawing';
}

export function readResults(file: string, options: ReadResultsOptions = {}): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `results file ${file} does not exist` : `cannot read results file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`results file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const problems = options.check === 'drawing' ? [drawingProblem(data)].filter((p): p is string => p !== undefined) : validateResults(data);
  if (problems.length === 1) throw new ConfigError(`results file ${file} is not a nauthera results.json: ${problems[0]}`);
  if (problems.length > 1) {
    const listed = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    throw new ConfigError(`results file ${file} is not a nauthera results.json:\n${listed}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`);
  }
  return data as RunResult;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStatus = (v: unknown) => typeof v === 'string' && (statuses as readonly string[]).includes(v);

/** The first thing in `data` that keeps its diagrams from being drawn, or undefined. */
export function drawingProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'the top level is not an object';
  if (data.version !== 1) return `version is ${JSON.stringify(data.version)}, expected 1`;
  if (!Array.isArray(data.flows)) return 'flows is not an array';
  for (const [i, flow] of data.flows.entries()) {
    const at = `flows[${i}]`;
    if (!isObject(flow)) return `${at} is not an object`;
    if (typeof flow.id !== 'string' || !flow.id) return `${at}.id is missing`;
    if (typeof flow.diagram !== 'string' || !flow.diagram) return `${at}.diagram is missing`;
    if (!isStatus(flow.status)) return `${at}.status ${JSON.stringify(flow.status)} is not one of ${statuses.join(', ')}`;
    if (!Array.isArray(flow.steps)) return `${at}.steps is not an array`;
    for (const [j, step] of flow.steps.entries()) {
      const sat = `${at}.steps[${j}]`;
      if (!isObject(step)) return `${sat} is not an object`;
      if (!Number.isInteger(step.index)) return `${sat}.index is not an integer`;
      if (!isStatus(step.status)) return `${sat}.status ${JSON.stringify(step.status)} is not one of ${statuses.join(', ')}`;
      if (!Array.isArray(step.checks)) return `${sat}.checks is not an array`;
      for (const [k, check] of step.checks.entries()) {
        if (!isObject(check) || typeof check.name !== 'string' || !isStatus(check.status)) return `${sat}.checks[${k}] needs a name and a status`;
      }
    }
  }
  return undefined;
}
