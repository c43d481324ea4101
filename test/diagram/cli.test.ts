/** `nauthera diagrams` and `nauthera diagrams extract`, run as a user runs them (no browser: md only). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractSequenceDiagrams, findSequenceDiagramBlocks, slugify } from '../../harness/diagram/extract.ts';
import { parseSequenceDiagram } from '../../harness/diagram/parse.ts';
import { main } from '../../harness/cli.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nauthera.js');

async function nauthera(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same CLI in this process (fast); `nauthera` above spawns the real binary. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, stdout: stdout.map((l) => `${l}\n`).join(''), stderr: stderr.map((l) => `${l}\n`).join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nauthera-diagrams-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const docs = `---
title: Flows
---

A paragraph before any heading.

\`\`\`mermaid
sequenceDiagram
  A->>B: before any heading
\`\`\`

## Login (OIDC) ##

\`\`\`mermaid
%% a comment first
sequenceDiagram
  participant RP
  RP->>OP: (1) AuthN Request
\`\`\`

\`\`\`mermaid
sequenceDiagram
  OP-->>RP: second block under the same heading
\`\`\`

\`\`\`mermaid
flowchart LR
  A --> B
\`\`\`

Token Exchange
--------------

~~~mermaid
sequenceDiagram
  Client->>AS: exchange
~~~

\`\`\`js
// # Not a heading inside code
\`\`\`

## Broken

\`\`\`mermaid
sequenceDiagram
  A->>B: fine
  A->>B
\`\`\`
`;

describe('finding sequence diagrams in Markdown', () => {
  it('names each block from its nearest heading, skipping front matter, code and other diagrams', () => {
    const blocks = findSequenceDiagramBlocks(docs);
    expect(blocks.map((b) => [b.heading, b.line])).toEqual([
      [undefined, 7],
      ['Login (OIDC)', 14],
      ['Login (OIDC)', 21],
      ['Token Exchange', 34],
      ['Broken', 45],
    ]);
    expect(blocks[1].body).toBe('%% a comment first\nsequenceDiagram\n  participant RP\n  RP->>OP: (1) AuthN Request');
  });

  it('slugifies and deduplicates names across files, with a %% source comment', () => {
    expect(slugify('Hybrid Flow (OIDC-specific)')).toBe('hybrid-flow-oidc-specific');
    expect(slugify('Überprüfung — Schritt 2')).toBe('uberprufung-schritt-2');
    expect(slugify('!!!')).toBe('diagram');
    const taken = new Set<string>();
    const first = extractSequenceDiagrams(docs, 'docs/flows.md', taken);
    expect(first.map((d) => d.name)).toEqual(['flows', 'login-oidc', 'login-oidc-2', 'token-exchange', 'broken']);
    expect(first[1].source).toBe(
      '%% source: docs/flows.md, "Login (OIDC)" (line 14); extracted by nauthera diagrams extract.\n%% a comment first\nsequenceDiagram\n  participant RP\n  RP->>OP: (1) AuthN Request\n',
    );
    expect(extractSequenceDiagrams('# Login (OIDC)\n```mermaid\nsequenceDiagram\nA->>B: x\n```', 'other.md', taken).map((d) => d.name)).toEqual(['login-oidc-3']);
  });
});

describe('nauthera diagrams extract', () => {
  it('writes one parseable .mmd per block and reports a broken block at its Markdown line', async () => {
    const md = join(dir, 'flows.md');
    await writeFile(md, docs);
    const out = join(dir, 'extracted');
    const r = await cli(['diagrams', 'extract', md, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`flows.md:48: arrow A->>B has no message`);
    expect((await readdir(out)).sort()).toEqual(['flows.mmd', 'login-oidc-2.mmd', 'login-oidc.mmd', 'token-exchange.mmd']);
    const login = await readFile(join(out, 'login-oidc.mmd'), 'utf8');
    expect(parseSequenceDiagram(login).arrows.map((a) => a.text)).toEqual(['(1) AuthN Request']);
    expect(login).toMatch(/^%% source: .*flows\.md, "Login \(OIDC\)" \(line 14\)/);
  });

  it('extracts the mermaid seeds again into the same diagrams, and leaves others’ files alone unless --force', async () => {
    const out = join(dir, 'seeds');
    const seed = join(dir, 'seed.md');
    await writeFile(seed, '## Client Credentials Flow\n\n```mermaid\n' + (await readFile(join(root, 'diagrams', 'client-credentials.mmd'), 'utf8')).replace(/^(%%.*\n)+/, '') + '```\n');
    expect((await cli(['diagrams', 'extract', seed, '--out', out])).code).toBe(0);
    const extracted = await readFile(join(out, 'client-credentials-flow.mmd'), 'utf8');
    expect(parseSequenceDiagram(extracted).arrows).toEqual(
      parseSequenceDiagram(await readFile(join(root, 'diagrams', 'client-credentials.mmd'), 'utf8')).arrows.map((a) => ({ ...a, line: a.line - 1 })),
    );
    // re-extracting the same doc updates its own file
    expect((await cli(['diagrams', 'extract', seed, '--out', out])).code).toBe(0);
    // a hand-written file of the same name is not overwritten
    await writeFile(join(out, 'client-credentials-flow.mmd'), 'sequenceDiagram\n  A->>B: mine\n');
    const refused = await cli(['diagrams', 'extract', seed, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/exists and was not extracted from .*seed\.md; left alone \(use --force/);
    expect(await readFile(join(out, 'client-credentials-flow.mmd'), 'utf8')).toBe('sequenceDiagram\n  A->>B: mine\n');
    expect((await cli(['diagrams', 'extract', seed, '--out', out, '--force'])).code).toBe(0);
    expect(await readFile(join(out, 'client-credentials-flow.mmd'), 'utf8')).toContain('Authenticate');
  });

  it('exits 2 for a missing file or no file, and 1 when no diagram is found', async () => {
    const missing = await cli(['diagrams', 'extract', join(dir, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.md: no such file/);
    expect((await cli(['diagrams', 'extract'])).code).toBe(2);
    const empty = join(dir, 'empty.md');
    await writeFile(empty, '# Nothing here\n');
    const none = await cli(['diagrams', 'extract', empty, '--out', join(dir, 'none')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no mermaid sequenceDiagram blocks found');
  });
});

describe('nauthera diagrams --results', () => {
  it('redraws the .md of an earlier run next to its results.json', async () => {
    const reports = join(dir, 'reports');
    const results = join(dir, 'results.json');
    await writeFile(
      results,
      JSON.stringify({
        version: 1,
        target: { kind: 'external', issuer: 'https://idp.example' },
        startedAt: '2025-01-01T00:00:00Z',
        durationMs: 3,
        flows: [
          {
            id: 'client-credentials',
            title: 'Client credentials',
            diagram: 'diagrams/client-credentials.mmd',
            status: 'failed',
            durationMs: 3,
            steps: [
              { index: 0, from: 'Client Application', to: 'Authorization Server', text: 'Authenticate', status: 'passed', durationMs: 1, checks: [] },
              {
                index: 1,
                from: 'Authorization Server',
                to: 'Client Application',
                text: 'Issue access token',
                status: 'failed',
                durationMs: 1,
                checks: [{ name: 'no refresh token is issued', spec: 'RFC 6749 §4.4.3', severity: 'failure', status: 'failed', detail: 'refresh_token was present' }],
              },
            ],
          },
        ],
      }),
    );
    const r = await cli(['diagrams', '--results', results, '--out', reports, '--format', 'md']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ client-credentials');
    const md = await readFile(join(reports, 'diagrams', 'client-credentials.md'), 'utf8');
    expect(md).toContain('```mermaid\n%% flow: client-credentials');
    expect(md).toContain('Authorization Server->>Client Application: ❌ Issue access token');
    expect(md).toContain('Note over Client Application: ❌ no refresh token is issued (RFC 6749 §4.4.3)<br/>refresh_token was present');
    expect(await readdir(join(reports, 'diagrams'))).toEqual(['client-credentials.md']);
  });

  it('exits 2 with a clear message, and no stack trace, for a missing or malformed results file', async () => {
    const missing = await cli(['diagrams', '--results', join(dir, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nauthera diagrams: results file .*absent\.json does not exist\n$/);

    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"version": 1, "flows": [');
    const malformed = await nauthera(['diagrams', '--results', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^nauthera diagrams: results file .*bad\.json is not valid JSON: /);
    expect(malformed.stderr).not.toMatch(/\n\s+at /);

    const wrong = join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ version: 1, flows: [{ id: 'x', diagram: 'd.mmd', status: 'great', steps: [] }] }));
    const shape = await cli(['diagrams', '--results', wrong]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('is not a nauthera results.json:\n');
    expect(shape.stderr).toContain('  $.flows[0].status: must be one of "passed", "failed", "warning", "skipped", "not-applicable", got "great"\n');
  });

  it('checks the file against the published schema before drawing: a target without kind and issuer is exit 2 naming both paths', async () => {
    const file = join(dir, 'no-target-kind.json');
    const flow = { id: 'x', title: 'X', diagram: 'diagrams/client-credentials.mmd', status: 'passed', durationMs: 1, steps: [] };
    await writeFile(file, JSON.stringify({ version: 1, target: {}, startedAt: '2025-01-01T00:00:00Z', durationMs: 1, flows: [flow] }));
    const r = await nauthera(['diagrams', '--results', file, '--out', join(dir, 'no-target-out'), '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nauthera diagrams: results file ${file} is not a nauthera results.json:\n  $.target.kind: is required\n  $.target.issuer: is required\n`);
  });

  it('exits 2 without --results or with a bad option, and prints help with --help', async () => {
    expect((await cli(['diagrams'])).stderr).toContain('--results FILE is required');
    expect((await cli(['diagrams', '--results', 'x.json', '--format', 'gif'])).code).toBe(2);
    expect((await cli(['diagrams', '--nope'])).code).toBe(2);
    const help = await nauthera(['diagrams', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: nauthera diagrams --results FILE/);
    expect((await cli(['diagrams', 'extract', '--help'])).stdout).toMatch(/^usage: nauthera diagrams extract FILE\.md/);
  });
});
