/**
 * docs/config.md's field table is checked against the config schema
 * (harness/target/config.schema.json), and the schema against the loader: the table documents
 * exactly the schema's top-level fields, and every field the schema allows inside clients[],
 * users[], login, ldap, skipFlows[], expectedFailures[], timeouts and tls; the loader, meeting
 * a field it does not know, names the schema's fields as the allowed ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../harness/flow/runner.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { allowedFields, type PathSegment } from '../../harness/target/config-schema.ts';

const page = readFileSync(join(projectRoot, 'docs', 'config.md'), 'utf8');
const table = new Map(page.split('\n')
  .map((line) => /^\| `([A-Za-z]+)(\[\])?` \| (.*) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => [m[1]!, m[3]!] as const));

/** The fields the loader allows at `path`, read from its "unknown field" message. */
function allowedByLoader(path: string, doc: Record<string, unknown>): string[] {
  try {
    parseTargetConfig(doc);
  } catch (error) {
    const line = String((error as Error).message).split('\n').find((l) => l.includes(`${path}.zzUnknown`) && l.includes('allowed: '));
    if (line) return line.slice(line.indexOf('allowed: ') + 'allowed: '.length).split(',').map((s) => s.trim().replace(/[.)]$/, ''));
  }
  throw new Error(`the loader did not name the fields allowed at ${path}`);
}

/** The words of a row's code spans: `scope`, `{url, baseDN}` and `device.userCode` each document their words. */
const documented = (row: string) => new Set([...row.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.split(/[^A-Za-z_]+/)));

const issuer = 'https://idp.example';
const signIn = { username: { label: 'u' }, password: { label: 'p' }, submit: { text: 's' } };

it('documents exactly the top-level fields of the schema', () => {
  expect([...table.keys()].sort()).toEqual(allowedFields([]).sort());
});

it.each([
  ['clients', ['clients', 0]],
  ['users', ['users', 0]],
  ['login', ['login']],
  ['login', ['login', 'consent']],
  ['login', ['login', 'device']],
  ['login', ['login', 'username']],
  ['login', ['login', 'interactions', 0]],
  ['ldap', ['ldap']],
  ['skipFlows', ['skipFlows', 0]],
  ['expectedFailures', ['expectedFailures', 0]],
  ['timeouts', ['timeouts']],
  ['tls', ['tls']],
] as [string, PathSegment[]][])('documents in the %s row every field the schema allows at %j', (field, path) => {
  const row = table.get(field);
  expect(row, `docs/config.md has a row for ${field}`).toBeDefined();
  const fields = allowedFields(path);
  expect(fields.length).toBeGreaterThan(0);
  const words = documented(row!);
  expect(fields.filter((key) => !words.has(key)), `fields at ${JSON.stringify(path)} the schema allows that docs/config.md does not name`).toEqual([]);
});

it.each([
  ['$', [], { issuer, zzUnknown: 1 }],
  ['$.clients[0]', ['clients', 0], { issuer, clients: [{ role: 'web', client_id: 'a', zzUnknown: 1 }] }],
  ['$.users[0]', ['users', 0], { issuer, users: [{ role: 'user', username: 'u', password: 'p', zzUnknown: 1 }] }],
  ['$.login', ['login'], { issuer, login: { ...signIn, zzUnknown: 1 } }],
  ['$.ldap', ['ldap'], { issuer, ldap: { url: 'ldap://127.0.0.1/', baseDN: 'dc=x', bindDN: 'cn=y', password: 'z', zzUnknown: 1 } }],
  ['$.expectedFailures[0]', ['expectedFailures', 0], { issuer, expectedFailures: [{ id: 'a/b/c', reason: 'r', zzUnknown: 1 }] }],
  ['$.timeouts', ['timeouts'], { issuer, timeouts: { zzUnknown: 1 } }],
  ['$.tls', ['tls'], { issuer, tls: { zzUnknown: 1 } }],
] as [string, PathSegment[], Record<string, unknown>][])('has the loader name the schema\'s fields as the ones allowed at %s', (path, at, doc) => {
  expect(allowedByLoader(path, doc)).toEqual(allowedFields(at));
});

it('names the schema file, which exists', () => {
  const named = /`(harness\/target\/config\.schema\.json)`/.exec(page);
  expect(named, 'docs/config.md names harness/target/config.schema.json').not.toBeNull();
  expect(() => readFileSync(join(projectRoot, named![1]!))).not.toThrow();
});
