/**
 * The README's flow table names every suite in suites/ once, in a row of its own, and no flow
 * that has no suite: a new flow cannot land without saying what it drives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { listSuites } from '../../harness/flow/load-suites.ts';
import { projectRoot } from '../../harness/flow/runner.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

it('the README flow table lists exactly the suites', () => {
  const table = readme.slice(readme.indexOf('<!-- flows-table'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n').map((line) => /^\| `([a-z0-9-]+)` \|/.exec(line)?.[1]).filter((id): id is string => id !== undefined);
  expect(rows.length, 'rows are unique').toBe(new Set(rows).size);
  expect(rows.sort()).toEqual(listSuites(join(projectRoot, 'suites')).map((s) => s.id).sort());
});
