/**
 * The starter config `nauthera init` writes: valid as written (docs/config.md), so that a run
 * can start from it at once. JSON has no comments; the loader skips keys starting with `$` or
 * `//`, so the `$schema` line and the guidance sit in such keys, and every value still to be
 * filled is an `${env:NAME}` reference: a run names the unset variable instead of failing
 * somewhere in a flow.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../cli-errors.ts';
import type { LoginAutomation, TargetUser } from '../target/model.ts';
import type { ConfigClient } from './registration.ts';

/** The schema as a vendor's project reaches it once nauthera is installed. */
export const installedSchemaPath = './node_modules/nauthera/dist/harness/target/config.schema.json';
const shippedSchema = fileURLToPath(new URL('../target/config.schema.json', import.meta.url));

/** `$schema` for a config written to `file`: the schema this nauthera ships, relative to the file. */
export function schemaReference(file: string): string {
  if (!existsSync(shippedSchema)) return installedSchemaPath;
  const path = relative(dirname(resolve(file)), shippedSchema).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

export interface StarterConfig {
  issuer: string;
  clients: ConfigClient[];
  user?: TargetUser;
  login?: LoginAutomation;
  /** What is left to fill, one sentence each. */
  todo: string[];
}

/** The document, keys in the order a reader wants them. */
export function starterConfig(file: string, input: StarterConfig): Record<string, unknown> {
  const users = input.user
    ? [{ role: 'user', username: input.user.username, password: input.user.password }]
    : [{ '//': 'a test user who may sign in and consent: set these variables or replace the values', role: 'user', username: '${env:NAUTHERA_USER}', password: '${env:NAUTHERA_USER_PASSWORD}' }];
  return {
    $schema: schemaReference(file),
    '//': ['Written by nauthera init. Left to do:', ...input.todo.map((t) => `- ${t}`)],
    issuer: input.issuer,
    clients: input.clients,
    users,
    ...(input.login ? { login: input.login } : {}),
    skipFlows: [],
    expectedFailures: [],
    options: {},
  };
}

/** Writes the file; an existing one is kept unless `force`. */
export function writeStarterConfig(file: string, doc: Record<string, unknown>, force: boolean): void {
  refuseOverwrite(file, force);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
}

export function refuseOverwrite(file: string, force: boolean): void {
  if (!force && existsSync(file)) throw new UsageError(`${file} exists; give --force to overwrite it, or --out another file`);
}
