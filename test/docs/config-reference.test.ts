/**
 * docs/config.md's field table is checked against the config loader itself: the loader names
 * the fields it allows when it meets one it does not know, and the table must document exactly
 * those at the top level, and every one of them inside clients[], users[], ldap, timeouts, tls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../harness/flow/runner.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';

const table = new Map(readFileSync(join(projectRoot, 'docs', 'config.md'), 'utf8').split('\n')
  .map((line) => /^\| `([A-Za-z]+)(\[\])?` \| (.*) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => [m[1]!, m[3]!] as const));

/** The fields the loader allows at `path`, read from its "unknown field" message. */
function allowedAt(path: string, doc: Record<string, unknown>): string[] {
  try {
    parseTargetConfig(doc);
  } catch (error) {
    const line = String((error as Error).message).split('\n').find((l) => l.includes(`${path}.zzUnknown`) && l.includes('allowed: '));
    if (line) return line.slice(line.indexOf('allowed: ') + 'allowed: '.length).split(',').map((s) => s.trim().replace(/[.)]$/, ''));
  }
  throw new Error(`the loader did not name the fields allowed at ${path}`);
}

const issuer = 'https://idp.example';

it('documents exactly the top-level fields the loader allows', () => {
  expect([...table.keys()].sort()).toEqual(allowedAt('$', { issuer, zzUnknown: 1 }).sort());
});

it.each([
  ['clients', '$.clients[0]', { issuer, clients: [{ role: 'web', client_id: 'a', zzUnknown: 1 }] }],
  ['users', '$.users[0]', { issuer, users: [{ role: 'user', username: 'u', password: 'p', zzUnknown: 1 }] }],
  ['ldap', '$.ldap', { issuer, ldap: { url: 'ldap://127.0.0.1/', baseDN: 'dc=x', bindDN: 'cn=y', password: 'z', zzUnknown: 1 } }],
  ['timeouts', '$.timeouts', { issuer, timeouts: { zzUnknown: 1 } }],
  ['tls', '$.tls', { issuer, tls: { zzUnknown: 1 } }],
])('documents every field of %s the loader allows', (field, path, doc) => {
  const row = table.get(field);
  expect(row, `docs/config.md has a row for ${field}`).toBeDefined();
  // A field is documented when it is a word of a code span of its row (`scope`, `{url, baseDN}`, `device.userCode`).
  const words = new Set([...row!.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.split(/[^A-Za-z_]+/)));
  const undocumented = allowedAt(path, doc).filter((key) => !words.has(key));
  expect(undocumented, `fields of ${field} the loader allows that docs/config.md does not name`).toEqual([]);
});
