/**
 * `nauthera run --shard i/n` on each "machine" and `nauthera merge` of their report directories
 * give the results.json of one unsharded run: the same flows in the same order with the same
 * verdicts, checks and evidence. Real CLI processes, a real Chromium, real HTTP on loopback (the
 * harness's fake IdP); three copies of the tiny suite, one with a departure planted.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../harness/results/io.ts';
import { parseShard, shareOf } from '../../harness/results/shard.ts';
import { mergeShards } from '../../harness/results/merge.ts';
import type { RunResult } from '../../harness/results/model.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import { runNauthera } from '../support/run-command.ts';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nauthera-shard-'));
let idp: FakeIdp;
let config: string;
let suitesDir: string;
const nauthera = (args: string[]) => runNauthera(args, { cwd: work, env: { ...process.env, NAUTHERA_DEBUG: '' }, timeoutMs: 150_000 });

beforeAll(async () => {
  idp = await startFakeIdp();
  // token-type makes every flow fail one check: the merge must keep every departure.
  idp.faults.add('token-type');
  config = join(work, 'fake.json');
  writeFileSync(config, JSON.stringify(fakeIdpConfig(idp)));
  suitesDir = join(work, 'suites');
  mkdirSync(suitesDir);
  writeFileSync(join(suitesDir, 'package.json'), '{ "type": "module" }\n');
  const tiny = JSON.stringify(join(root, 'test/harness/fixtures/suites/tiny.suite.ts'));
  const define = JSON.stringify(join(root, 'harness/flow/index.ts'));
  for (const id of ['alpha', 'beta', 'gamma']) {
    writeFileSync(join(suitesDir, `${id}.suite.ts`), `import tiny from ${tiny};\nimport { defineFlow } from ${define};\nexport default defineFlow({ ...tiny, id: ${JSON.stringify(id)} });\n`);
  }
});
afterAll(async () => {
  await idp?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * What legitimately differs between two runs of the same flows: clocks (start times,
 * durations, timestamps of evidence) and where `run` spent its time. Everything else must match.
 */
function comparable(run: RunResult): unknown {
  return JSON.parse(JSON.stringify(run, (key, value) => {
    if (key === 'phases') return undefined;
    if (/^(startedAt|durationMs|at|time|timestamp|elapsedMs|ms)$/.test(key)) return '<clock>';
    // Evidence keeps header values such as Date, which are clocks too.
    if (key === 'date' && typeof value === 'string') return '<clock>';
    // Codes, tokens and state are new in every run: reports keep only the first characters of
    // secrets, masked as "abc123…(32 chars)", and the tiny suite's state is 16 random hex digits.
    if (typeof value === 'string') return value.replace(/[A-Za-z0-9_~.-]{1,8}…\(\d+ chars\)/g, '<masked>').replace(/\b[0-9a-f]{16}\b/g, '<random>');
    return value;
  }));
}

describe('a stable share of the flows', () => {
  it('gives every flow to exactly one shard, in the selection\'s order', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const shares = [1, 2, 3].map((index) => shareOf(ids, { index, total: 3 }));
    expect(shares).toEqual([['a', 'd', 'g'], ['b', 'e'], ['c', 'f']]);
    expect(shares.flat().sort()).toEqual(ids);
    expect(shareOf(ids, { index: 1, total: 1 })).toEqual(ids);
    expect(shareOf(['a'], { index: 2, total: 2 })).toEqual([]);
  });

  it('refuses a --shard that is not i/n with 1 ≤ i ≤ n', () => {
    for (const bad of ['0/2', '3/2', '2', '1/0', 'a/b', '1/2/3', '-1/2']) expect(() => parseShard(bad), bad).toThrow(/--shard must be i\/n/);
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, total: 3 });
  });
});

describe('nauthera run --shard and nauthera merge', () => {
  it('merge the shards into the results.json of one unsharded run', async () => {
    const whole = await nauthera(['run', '--config', config, '--suites', suitesDir, '--out', join(work, 'whole'), '--workers', '1']);
    expect(whole.code, whole.stderr).toBe(1);
    const shards = [];
    for (const index of [1, 2]) {
      const out = await nauthera(['run', '--config', config, '--suites', suitesDir, '--out', join(work, `shard-${index}`), '--shard', `${index}/2`]);
      expect(out.code, out.stderr).toBe(1);
      expect(out.stderr).toContain(`(shard ${index}/2: ${index === 1 ? 2 : 1} of 3 flows)`);
      shards.push(out);
    }
    const shard2 = readResults(join(work, 'shard-2', 'results.json'));
    expect(shard2.shard).toEqual({ index: 2, total: 2, flows: ['alpha', 'beta', 'gamma'] });
    expect(shard2.flows.map((f) => f.id)).toEqual(['beta']);

    // Given in any order, as artifacts download.
    const merged = await nauthera(['merge', join(work, 'shard-2'), join(work, 'shard-1'), '--out', join(work, 'merged')]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toContain('merged 2 shards into');
    for (const file of ['results.json', 'junit.xml', 'report.html', 'diagrams/alpha.svg', 'diagrams/gamma.md']) {
      expect(existsSync(join(work, 'merged', file)), file).toBe(true);
    }
    const one = readResults(join(work, 'whole', 'results.json'));
    const combined = readResults(join(work, 'merged', 'results.json'));
    expect(combined.shard).toBeUndefined();
    expect(comparable(combined)).toEqual(comparable(one));
    expect(readFileSync(join(work, 'merged', 'junit.xml'), 'utf8').match(/<testcase /g)?.length).toBe(readFileSync(join(work, 'whole', 'junit.xml'), 'utf8').match(/<testcase /g)?.length);
  }, 300_000);

  it('refuses what is not the shards of one run, naming the problem (exit 2)', async () => {
    // shard-1 and whole are left by the test above; these need only results.json files.
    const one = readResults(join(work, 'shard-1', 'results.json'));
    const write = (dir: string, run: RunResult) => { mkdirSync(join(work, dir), { recursive: true }); writeFileSync(join(work, dir, 'results.json'), JSON.stringify(run)); return join(work, dir); };
    const cases: Array<[string[], RegExp]> = [
      [[join(work, 'shard-1')], /shard 2\/2 missing: give all 2 report directories/],
      [[join(work, 'shard-1'), join(work, 'shard-1')], /shard 1\/2 is given twice/],
      [[join(work, 'whole'), join(work, 'shard-1')], /is not a shard \(its run had no --shard\)/],
      [[join(work, 'shard-1'), write('other-total', { ...one, shard: { ...one.shard!, index: 2, total: 3 } })], /is shard 2\/3, but .* is one of 2/],
      [[join(work, 'shard-1'), write('other-issuer', { ...one, target: { ...one.target, issuer: 'https://elsewhere.test' }, shard: { ...one.shard!, index: 2 } })], /ran against https:\/\/elsewhere\.test/],
      [[join(work, 'shard-1'), write('same-flows', { ...one, shard: { ...one.shard!, index: 2 } })], /flow alpha is in two shards/],
      [[join(work, 'nowhere')], /results file .*nowhere\/results\.json does not exist/],
      [[], /give the report directories of the shards/],
    ];
    for (const [dirs, message] of cases) {
      const out = await nauthera(['merge', ...dirs, '--out', join(work, 'never')]);
      expect(out.code, `${dirs.join(' ')}: ${out.stderr}`).toBe(2);
      expect(out.stderr, dirs.join(' ')).toMatch(message);
      expect(out.stderr).not.toMatch(/^\s+at /m);
    }
    expect(existsSync(join(work, 'never'))).toBe(false);
    // The pure merge refuses the same way without a process.
    expect(() => mergeShards([])).toThrow(/nothing to merge/);
  }, 120_000);
});
