/**
 * `nauthera run --warnings-as-failures`, run as a user runs it (a child process against the
 * loopback IdP): a suite whose only departure is a missed SHOULD exits 0 and passes in junit.xml,
 * and with the option exits 1 with that check a <failure>; the help names the option.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeIdp, type FakeIdp } from '../harness/fixtures/fake-idp.ts';
import { xsdProblems } from './junit-xsd.ts';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nauthera-warnings-'));
let idp: FakeIdp;

async function nauthera(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin/nauthera.js'), ...args], { cwd: work, timeout: 50_000, env: { ...process.env, NAUTHERA_DEBUG: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A suite on the tiny diagram whose fourth arrow misses a SHOULD, and nothing else. */
function writeWarningSuite(): string {
  const dir = join(work, 'suites');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const define = JSON.stringify(join(root, 'harness/flow/index.ts'));
  const arrows = JSON.stringify(join(root, 'test/harness/fixtures/tiny-arrows.ts'));
  writeFileSync(join(dir, 'warns.suite.ts'), `import { defineFlow, step } from ${define};
import { tinyArrows } from ${arrows};
export default defineFlow({
  id: 'warns',
  title: 'Misses a SHOULD',
  diagram: 'test/harness/fixtures/tiny.mmd',
  steps: tinyArrows.map(([from, to, text], i) => step(from, to, text, async (ctx) => {
    if (i !== 3) return;
    await ctx.check({ name: 'the token response is not cached', spec: 'RFC 6749 §5.1' }, (c) => c.should(false, 'Cache-Control lacks no-store'));
  })),
});
`);
  return dir;
}

let suites: string;
beforeAll(async () => {
  idp = await startFakeIdp();
  suites = writeWarningSuite();
});
afterAll(async () => {
  await idp?.close();
  rmSync(work, { recursive: true, force: true });
});

const failures = (xml: string) => [...xml.matchAll(/<failure message="([^"]*)" type="([^"]*)"/g)].map((m) => [m[1], m[2]]);

describe('nauthera run --warnings-as-failures', () => {
  it('is in the help', async () => {
    const help = await nauthera(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('[--warnings-as-failures]');
    expect(help.stdout).toMatch(/--warnings-as-failures\s+a warning \(a missed SHOULD\) is a failure in junit\.xml/);
  });

  it('turns a warning into a failure of junit.xml and exit 1; without it the warning passes, visible', async () => {
    const plain = await nauthera(['run', '--target', idp.issuer, '--suites', suites, '--out', join(work, 'plain')]);
    expect(plain.code, plain.stderr).toBe(0);
    const plainXml = readFileSync(join(work, 'plain/junit.xml'), 'utf8');
    expect(failures(plainXml)).toEqual([]);
    expect(plainXml).toContain('<property name="warns/exchanges-the-code-for-a-token/the-token-response-is-not-cached" value="warning: Cache-Control lacks no-store');
    expect(plainXml).toContain('<system-out>[warning] the token response is not cached (RFC 6749 §5.1, failure) {warns/exchanges-the-code-for-a-token/the-token-response-is-not-cached}: Cache-Control lacks no-store');

    const strict = await nauthera(['run', '--target', idp.issuer, '--suites', suites, '--out', join(work, 'strict'), '--warnings-as-failures']);
    expect(strict.code, strict.stderr).toBe(1);
    const strictXml = readFileSync(join(work, 'strict/junit.xml'), 'utf8');
    expect(failures(strictXml)).toEqual([[expect.stringMatching(/^warning: Cache-Control lacks no-store/), 'warning']]);
    expect(xsdProblems(strictXml)).toBe('');
  });
});
