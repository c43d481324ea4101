/**
 * results.json on disk: the source of every other report, so any earlier run can be redrawn.
 * The one writer (`nauthera run`) and the one reader (`nauthera diagrams --results`, tests),
 * which validates the file against the published schema before anything reads it.
 * A file that cannot be read, is not JSON or has the wrong shape is a ConfigError (exit 2)
 * that says what is wrong and where.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../cli-errors.ts';
import type { RunResult } from './model.ts';
import { validateResults } from './schema.ts';

export function writeResults(run: RunResult, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/**
 * The run in `file`, checked against results.schema.json first: a file from another version of
 * nauthera or edited by hand is a ConfigError naming the JSON path of each problem, never a
 * crash in a report that trusted its shape.
 */
export function readResults(file: string): RunResult {
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
  const problems = validateResults(data);
  if (problems.length === 1) throw new ConfigError(`results file ${file} is not a nauthera results.json: ${problems[0]}`);
  if (problems.length > 1) {
    const listed = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    throw new ConfigError(`results file ${file} is not a nauthera results.json:\n${listed}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`);
  }
  return data as RunResult;
}
