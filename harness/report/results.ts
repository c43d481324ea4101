/** results.json: the source of every other report, so any earlier run can be redrawn. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../cli-errors.ts';
import type { RunResult } from '../flow/model.ts';
import { validateResults } from './schema.ts';

export function writeResults(run: RunResult, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'results.json');
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

/** Reads and validates a results.json; a bad file is a ConfigError naming the first problems. */
export function readResults(file: string): RunResult {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read results ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const problems = validateResults(doc);
  if (problems.length > 0) {
    throw new ConfigError(`${file} is not a nauthera results.json:\n${problems.slice(0, 10).map((p) => `  ${p}`).join('\n')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`);
  }
  return doc as RunResult;
}
