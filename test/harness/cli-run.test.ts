/**
 * `nauthera run` as a user runs it: a child process, real HTTP on loopback, real Chromium.
 * Exit codes 0 / 1 / 2, clean messages (no stack traces, no hangs), and the reports.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../fixtures/ldap/free-port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResults } from '../../harness/results/schema.ts';
import { readResults } from '../../harness/results/io.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import { runNauthera } from '../support/run-command.ts';

const root = join(import.meta.dirname, '../..');
const fixtureSuites = join(import.meta.dirname, 'fixtures/suites');
const work = mkdtempSync(join(tmpdir(), 'nauthera-cli-'));
let idp: FakeIdp;

/** A hang is a failure of its own: the child is killed and the test says so. */
const nauthera = (args: string[], timeoutMs = 50_000) => runNauthera(args, { cwd: work, env: { ...process.env, NAUTHERA_DEBUG: '' }, timeoutMs });


const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify({ ...fakeIdpConfig(idp), ...extra }, null, 2));
  return file;
}

beforeAll(async () => {
  idp = await startFakeIdp();
});
afterAll(async () => {
  await idp.close();
  rmSync(work, { recursive: true, force: true });
});

describe('exit 2: usage and config errors, with a clear message', () => {
  it('names an unreachable issuer, without a stack trace or a hang', async () => {
    const port = await freePort();
    const out = await nauthera(['run', '--target', `http://127.0.0.1:${port}`, '--out', join(work, 'r0')]);
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe(`nauthera run: issuer http://127.0.0.1:${port} is unreachable: connection refused (127.0.0.1:${port}) (GET http://127.0.0.1:${port}/.well-known/openid-configuration, timeout 10000 ms)`);
    noStack(out.stderr);
  });

  it('names the malformed field of a config file', async () => {
    const file = join(work, 'bad.json');
    writeFileSync(file, JSON.stringify({ issuer: idp.issuer, clients: [{ role: 'confidential', client_secret: 'x', redirect_uris: ['https://rp/cb'] }], timeouts: { stepMs: 'soon' } }));
    const out = await nauthera(['run', '--config', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`nauthera run: ${file} is not a valid target config (2 problems):`);
    expect(out.stderr).toContain('  $.clients[0].client_id: is required');
    expect(out.stderr).toContain('  $.timeouts.stepMs: must be a positive integer (milliseconds), got the string "soon"');
    noStack(out.stderr);

    writeFileSync(file, '{ "issuer": ');
    const json = await nauthera(['run', '--config', file]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(new RegExp(`^nauthera run: ${file} is not valid JSON: `));
    noStack(json.stderr);
  });

  it('lists the known flows for an unknown --flows id, and rejects unknown options', async () => {
    const out = await nauthera(['run', '--suites', fixtureSuites, '--flows', 'tiny,nope', '--target', idp.issuer]);
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe('nauthera run: unknown flow id "nope"; known: tiny');
    const bad = await nauthera(['run', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option --bogus");
    expect(bad.stderr).toContain('usage: nauthera run');
    const help = await nauthera(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('only these flow ids');
    for (const workers of ['0', 'many', '2.5']) {
      const out = await nauthera(['run', '--target', idp.issuer, '--workers', workers]);
      expect(out.code).toBe(2);
      expect(out.stderr.trim()).toBe(`nauthera run: --workers must be a whole number from 1 to 32, not "${workers}"`);
    }
  });
});

describe('a run', () => {
  it('with no suites writes an empty report and exits 0', async () => {
    const empty = join(work, 'no-suites');
    mkdirSync(empty, { recursive: true });
    const out = await nauthera(['run', '--target', idp.issuer, '--suites', empty, '--out', join(work, 'r-empty')]);
    expect(out.code).toBe(0);
    const results = JSON.parse(readFileSync(join(work, 'r-empty/results.json'), 'utf8'));
    expect(validateResults(results)).toEqual([]);
    expect(results).toMatchObject({ version: 1, target: { kind: 'external', issuer: idp.issuer }, flows: [] });
    expect(readFileSync(join(work, 'r-empty/junit.xml'), 'utf8')).toContain('tests="0" failures="0"');
    expect(readFileSync(join(work, 'r-empty/report.html'), 'utf8')).toContain('No suites ran.');
    expect(out.stdout).toContain('verdict: PASS');
  });

  it('with --workers runs flows at once, each flow\'s progress lines together, results in suite order', async () => {
    // Three copies of the tiny suite under other ids: each file re-exports it with its own id.
    const dir = join(work, 'three-suites');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const tiny = JSON.stringify(join(fixtureSuites, 'tiny.suite.ts'));
    const define = JSON.stringify(join(root, 'harness/flow/index.ts'));
    for (const id of ['one', 'three', 'two']) {
      writeFileSync(join(dir, `${id}.suite.ts`), `import tiny from ${tiny};\nimport { defineFlow } from ${define};\nexport default defineFlow({ ...tiny, id: ${JSON.stringify(id)} });\n`);
    }
    const outDir = join(work, 'r-workers');
    // Three Chromium pages at once beside the rest of the test suite: a loaded CI machine took
    // 43 s for what takes 5 s alone, so this deadline is for a hang, not for speed.
    const out = await nauthera(['run', '--config', writeConfig('fake-workers.json'), '--suites', dir, '--out', outDir, '--workers', '3'], 150_000);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain(', 3 suites, 3 at a time');
    expect(out.stdout).toMatch(/flows \d+\.\ds \(3 at a time\)/);
    const results = readResults(join(outDir, 'results.json'));
    expect(results.flows.map((f) => f.id)).toEqual(['one', 'three', 'two']);
    expect(results.phases?.workers).toBe(3);
    // All three started before the first ended, so they ran at once.
    const lines = out.stderr.split('\n');
    const firstEnd = lines.findIndex((l) => /^✔ \w+ passed/.test(l));
    expect(lines.slice(0, firstEnd).filter((l) => l.startsWith('▶ ')).length).toBe(3);
    // Each flow's step lines follow its own end line, in step order, not mixed with another flow's.
    for (const id of ['one', 'two', 'three']) {
      const at = lines.findIndex((l) => l.startsWith(`✔ ${id} passed`));
      expect(at, id).toBeGreaterThan(-1);
      const own = lines.slice(at + 1, at + 7).map((l) => l.match(/^ {2}✔ (\d)\./)?.[1]);
      expect(own, id).toEqual(['1', '2', '3', '4', '5', '6']);
    }
  }, 180_000);

  it('exits 1 on a failed check, printing progress and a summary, and 0 once it is an expected failure', async () => {
    idp.faults.add('token-type');
    try {
      const outDir = join(work, 'r-fail');
      const failed = await nauthera(['run', '--config', writeConfig('fake.json'), '--suites', fixtureSuites, '--out', outDir]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('▶ tiny: Tiny code flow');
      expect(failed.stderr).toContain('  ✔ 4. Client → AS: Exchanges the code for a token');
      expect(failed.stderr).toContain('  ✘ 5. AS → Client: Returns an access token');
      expect(failed.stderr).toContain('      ✘ failed: token_type is Bearer [RFC 6750 §6.1.1]: token_type: expected "bearer", got "mac"');
      // Arrow 6 needs the Bearer token arrow 5 did not yield: skipped, naming both.
      expect(failed.stderr).toMatch(/6\. Client → RS: Calls the resource with the token.*needs a Bearer access token, which step 5 "Returns an access token" did not yield \(it failed\)/);
      expect(failed.stdout).toMatch(/^tiny {2}✘ failed {7}4 {7}1 {5}0 {8}1 {4}0/m);
      expect(failed.stdout).toContain('verdict: FAIL');
      for (const file of ['results.json', 'junit.xml', 'report.html', 'diagrams/tiny.svg', 'diagrams/tiny.png', 'diagrams/tiny.md']) {
        expect(existsSync(join(outDir, file)), file).toBe(true);
      }
      noStack(failed.stderr);
      // The run's phases: in the summary, and in results.json (valid against its schema).
      expect(failed.stdout).toMatch(/^time: set-up \d+\.\ds \(system check \d+\.\ds, target start \d+\.\ds, suites load \d+\.\ds\), flows \d+\.\ds, reports \d+\.\ds \(diagram renderer started/m);
      const phases = readResults(join(outDir, 'results.json')).phases;
      expect(Object.keys(phases ?? {}).sort()).toEqual(['flowsMs', 'rendererStartMs', 'reportsMs', 'setupMs', 'suitesLoadMs', 'systemCheckMs', 'targetStartMs', 'workers']);
      // An external IdP runs one flow at a time unless --workers says otherwise.
      expect(phases!.workers).toBe(1);
      expect(phases!.setupMs).toBeGreaterThanOrEqual(phases!.targetStartMs);

      const expected = writeConfig('fake-xf.json', {
        expectedFailures: [{ flow: 'tiny', step: 'Returns an access token', check: 'token_type is Bearer', reason: 'this IdP issues MAC tokens (RFC 6750 §6.1.1 registers Bearer)' }],
      });
      const passed = await nauthera(['run', '--config', expected, '--suites', fixtureSuites, '--out', join(work, 'r-xf')]);
      expect(passed.code).toBe(0);
      expect(passed.stderr).toContain('      ✘ expected failure: token_type is Bearer [RFC 6750 §6.1.1]');
      expect(passed.stdout).toContain('1 expected failure');
      expect(passed.stdout).toContain('verdict: PASS');
      const results = JSON.parse(readFileSync(join(work, 'r-xf/results.json'), 'utf8'));
      expect(results.flows[0].status).toBe('warning');
      expect(results.flows[0].steps[5].status).toBe('passed');
    } finally {
      idp.faults.delete('token-type');
    }
    // Two runs, each a Chromium and a report renderer: the deadline is for a hang, not for speed.
  }, 180_000);
});
