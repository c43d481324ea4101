/**
 * Finds and imports suites/<flow>.suite.ts (suites/<flow>.suite.js in the compiled package).
 * A suite that fails to load becomes a failed flow, not a crashed run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isFlowDefinition, type FlowDefinition } from './define.ts';

export interface LoadedSuite {
  /** The flow id: the file name without .suite.ts (or .suite.js). */
  id: string;
  file: string;
  flow?: FlowDefinition;
  /** Why the module could not be used. */
  error?: string;
}

export const suiteSuffix = '.suite.ts';
/** The compiled form, as the package ships its suites (dist/suites). */
const compiledSuiteSuffix = '.suite.js';

/** The suite files of `dir`, by flow id (without importing them); a .ts suite wins over its compiled .js. */
export function listSuites(dir: string): Array<{ id: string; file: string }> {
  if (!existsSync(dir)) return [];
  const byId = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const suffix = [suiteSuffix, compiledSuiteSuffix].find((s) => name.endsWith(s));
    if (!suffix) continue;
    const id = name.slice(0, -suffix.length);
    if (suffix === suiteSuffix || !byId.has(id)) byId.set(id, resolve(join(dir, name)));
  }
  return [...byId].map(([id, file]) => ({ id, file }));
}

export async function importSuite(entry: { id: string; file: string }): Promise<LoadedSuite> {
  try {
    const mod = await import(pathToFileURL(entry.file).href) as { default?: unknown };
    if (!isFlowDefinition(mod.default)) {
      return { ...entry, error: `${entry.file} does not default-export defineFlow({...})` };
    }
    if (mod.default.id !== entry.id) {
      return { ...entry, error: `${entry.file} defines flow "${mod.default.id}"; the file must be named ${mod.default.id}${entry.file.endsWith(compiledSuiteSuffix) ? compiledSuiteSuffix : suiteSuffix}` };
    }
    return { ...entry, flow: mod.default };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ...entry, error: `${entry.file} failed to load: ${message}` };
  }
}
