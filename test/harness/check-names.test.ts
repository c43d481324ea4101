/**
 * Every check id and name that the README and docs/, the target configs of fixtures/targets/ and the
 * tests mention exists in the catalogue (`nauthera checks`): a renamed or regrouped check
 * must not leave an expected failure or a document pointing at nothing. And the `checks`
 * command itself, run as a user runs it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../harness/commands/checks.ts';
import type { CatalogueEntry } from '../../harness/flow/catalogue.ts';
import { listSuites } from '../../harness/flow/load-suites.ts';

const root = join(import.meta.dirname, '..', '..');
const flows = listSuites(join(root, 'suites')).map((s) => s.id);

/**
 * Ids that stand for no check on purpose, by the file that holds them: the config loader's
 * tests give made-up ids, since what they test is the shape of an entry.
 */
const placeholders: Record<string, string[]> = {
  'test/harness/target.test.ts': ['hybrid/a/b', 'implicit/a/b', 'hybrid/authorization-response/c-hash-valid'],
  'test/harness/run-config-warnings.test.ts': ['authorization-code/token/no-such-check'],
};

/** Strings shaped like `<flow>/<step key>/<check key>` whose flow is a suite's. */
const idPattern = new RegExp(`(?<![\\w/-])(?:${[...flows].sort((a, b) => b.length - a.length).join('|')})/[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*(?![\\w/-])`, 'g');

function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && exts.some((ext) => d.name.endsWith(ext)))
    .map((d) => join(d.parentPath, d.name));
}

interface Mention {
  file: string;
  line: number;
  text: string;
}

function mentions(file: string, pattern: RegExp, group = 0): Mention[] {
  const rel = relative(root, file);
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
    [...line.matchAll(pattern)].map((m) => ({ file: rel, line: i + 1, text: m[group] })));
}

const configs = filesUnder(join(root, 'fixtures', 'targets'), ['.json']).filter((f) => !f.includes('node_modules'));
const tests = filesUnder(join(root, 'test'), ['.ts', '.json', '.md']).filter((f) => !f.endsWith('check-names.test.ts'));
/** The project's documents: the README and every page of docs/. */
const docs = [join(root, 'README.md'), ...filesUnder(join(root, 'docs'), ['.md'])];

let catalogue: CatalogueEntry[];

beforeAll(async () => {
  const { entries, problems } = await loadCatalogue();
  expect(problems).toEqual([]);
  catalogue = entries;
}, 60_000);

const unknownIds = (found: Mention[]) => {
  const ids = new Set(catalogue.map((e) => e.id));
  return found.filter((m) => !ids.has(m.text) && !placeholders[m.file]?.includes(m.text)).map((m) => `${m.file}:${m.line}: ${m.text}`);
};

/** A declared name may hold `{placeholders}` filled by a call's args. */
function nameMatcher(entries: CatalogueEntry[]): (name: string) => boolean {
  const exact = new Set(entries.map((e) => e.name));
  const templates = entries.filter((e) => /\{[a-zA-Z0-9_]+\}/.test(e.name)).map((e) =>
    new RegExp(`^${e.name.split(/\{[a-zA-Z0-9_]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`));
  return (name) => exact.has(name) || templates.some((t) => t.test(name));
}

describe('check ids and names mentioned outside the suites', () => {
  it('the catalogue has unique ids, each of a suite', () => {
    const ids = catalogue.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of catalogue) expect(e.id.startsWith(`${e.flow}/`) && flows.includes(e.flow), e.id).toBe(true);
  });

  it('README.md and docs/ name only ids of the catalogue', () => {
    const found = docs.flatMap((f) => mentions(f, idPattern));
    expect(found.length).toBeGreaterThan(0);
    expect(unknownIds(found)).toEqual([]);
  });

  it('the target configs of fixtures/targets/ name only checks and flows that exist', () => {
    const matches = nameMatcher(catalogue);
    const ids = new Set(catalogue.map((e) => e.id));
    const wrong: string[] = [];
    let named = 0;
    for (const file of configs) {
      const rel = relative(root, file);
      const config = JSON.parse(readFileSync(file, 'utf8')) as {
        expectedFailures?: Array<{ id?: string; check?: string; flow?: string; step?: string }>;
        skipFlows?: Array<{ flow?: string }>;
      };
      config.expectedFailures?.forEach((x, i) => {
        const at = `${rel} expectedFailures[${i}]`;
        if (x.id !== undefined) {
          named++;
          if (!ids.has(x.id)) wrong.push(`${at}.id: ${x.id}`);
        }
        if (x.check !== undefined) {
          named++;
          if (!matches(x.check)) wrong.push(`${at}.check: "${x.check}"`);
        }
        if (x.flow !== undefined && !flows.includes(x.flow)) wrong.push(`${at}.flow: ${x.flow}`);
        const flow = x.flow ?? x.id?.split('/')[0];
        if (x.step !== undefined && !catalogue.some((e) => e.flow === flow && e.step.text === x.step)) wrong.push(`${at}.step: "${x.step}"`);
      });
      config.skipFlows?.forEach((s, i) => {
        if (s.flow !== undefined && !flows.includes(s.flow)) wrong.push(`${rel} skipFlows[${i}].flow: ${s.flow}`);
      });
      // Ids or names given anywhere else in the file (comments, notes).
      wrong.push(...unknownIds(mentions(file, idPattern)));
      for (const m of mentions(file, /"check"\s*:\s*"([^"]*)"/g, 1)) if (!matches(m.text)) wrong.push(`${m.file}:${m.line}: check "${m.text}"`);
    }
    expect(named).toBeGreaterThan(0);
    expect([...new Set(wrong)]).toEqual([]);
  });

  it('README.md and docs/ name only checks of the catalogue in their config examples', () => {
    const matches = nameMatcher(catalogue);
    const wrong = docs.flatMap((f) => mentions(f, /"check"\s*:\s*"([^"]*)"/g, 1)).filter((m) => !matches(m.text)).map((m) => `${m.file}:${m.line}: "${m.text}"`);
    expect(wrong).toEqual([]);
  });

  it('the tests name only ids of the catalogue', () => {
    const found = tests.flatMap((f) => mentions(f, idPattern));
    expect(found.length).toBeGreaterThan(0);
    expect(unknownIds(found)).toEqual([]);
  });
});

async function nauthera(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'nauthera.js'), ...args], { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('nauthera checks', () => {
  it('--json prints the catalogue: every check with its id, flow, name, spec, severity and arrow', async () => {
    const { code, stdout, stderr } = await nauthera(['checks', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as CatalogueEntry[];
    expect(listed).toEqual(catalogue);
    for (const e of listed) {
      expect(e.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(['failure', 'warning']).toContain(e.severity);
      expect(e.step).toEqual({ number: expect.any(Number), key: e.id.split('/')[1], from: expect.any(String), to: expect.any(String), text: expect.any(String) });
    }
    expect(new Set(listed.map((e) => e.flow))).toEqual(new Set(flows));
  }, 60_000);

  it('--flow lists one flow only', async () => {
    const { code, stdout } = await nauthera(['checks', '--flow', 'client-credentials', '--json']);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as CatalogueEntry[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).toEqual(catalogue.filter((e) => e.flow === 'client-credentials'));
  }, 60_000);

  it('--flow with an unknown flow exits 2 and lists the flows', async () => {
    const { code, stdout, stderr } = await nauthera(['checks', '--flow', 'nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`nauthera checks: unknown flow "nope"; the flows are ${flows.join(', ')}\n`);
  }, 60_000);
});
