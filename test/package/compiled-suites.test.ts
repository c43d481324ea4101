/**
 * The package ships its suites compiled (dist/suites/<flow>.suite.js): they are listed beside
 * TypeScript ones, a .ts suite wins over its own compiled .js, and declaration files are not suites.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSuite, listSuites } from '../../harness/flow/load-suites.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nauthera-suites-'));
  for (const name of ['a.suite.ts', 'a.suite.js', 'b.suite.js', 'b.suite.d.ts', 'c.suite.d.ts', 'lib.js']) writeFileSync(join(dir, name), '');
  // What defineFlow({ id: 'other', ... }) compiles to, in a file named for another flow.
  writeFileSync(join(dir, 'wrong.suite.js'), "export default { id: 'other', title: 'x', diagram: 'diagrams/x.mmd', steps: [], [Symbol.for('nauthera.flow')]: true };\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listSuites', () => {
  it('lists .suite.ts and .suite.js files by flow id, the .ts one when both exist', () => {
    expect(listSuites(dir).map((s) => [s.id, basename(s.file)])).toEqual([
      ['a', 'a.suite.ts'],
      ['b', 'b.suite.js'],
      ['wrong', 'wrong.suite.js'],
    ]);
  });

  it('names the compiled file name a misnamed compiled suite must have', async () => {
    const loaded = await importSuite({ id: 'wrong', file: join(dir, 'wrong.suite.js') });
    expect(loaded.flow).toBeUndefined();
    expect(loaded.error).toMatch(/defines flow "other"; the file must be named other\.suite\.js$/);
  });
});
