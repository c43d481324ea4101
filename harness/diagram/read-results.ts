/**
 * Reads a results.json for redrawing its diagrams. Only what drawing needs is checked (flows,
 * steps, statuses); a file that cannot be read or does not hold that shape is a ConfigError
 * (exit 2) that says what is wrong and where.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../cli-errors.ts';
import { statuses, type RunResult } from '../flow/model.ts';

export async function readRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
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
  const problem = shapeProblem(data);
  if (problem) throw new ConfigError(`results file ${file} is not a nauthera results.json: ${problem}`);
  return data as RunResult;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStatus = (v: unknown) => typeof v === 'string' && (statuses as readonly string[]).includes(v);

/** The first thing wrong with the shape, or undefined. */
export function shapeProblem(data: unknown): string | undefined {
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
