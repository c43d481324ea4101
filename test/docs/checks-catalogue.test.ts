/**
 * docs/checks-catalogue.md is `nauthera checks --markdown`: a check added, renamed or moved
 * makes it stale, and this test says how to regenerate it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { catalogueMarkdown, loadCatalogue } from '../../harness/commands/checks.ts';
import { projectRoot } from '../../harness/flow/runner.ts';

it('docs/checks-catalogue.md is the output of nauthera checks --markdown', async () => {
  const { entries, problems } = await loadCatalogue();
  expect(problems).toEqual([]);
  const file = readFileSync(join(projectRoot, 'docs', 'checks-catalogue.md'), 'utf8');
  expect(file.trim() === catalogueMarkdown(entries).trim(), 'docs/checks-catalogue.md is stale: run `node bin/nauthera.js checks --markdown > docs/checks-catalogue.md`').toBe(true);
  expect(file).toContain(`${entries.length} checks`);
});
