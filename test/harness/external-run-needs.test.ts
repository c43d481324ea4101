/**
 * An external run needs a browser and nothing else: `nauthera run` against oidc-provider (a
 * real third-party IdP, started here) with no slapd to be found (NAUTHERA_SLAPD names a
 * missing file), no NAUTHERA_CHROMIUM, and the browser given by --browser as a symlink.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import type { OidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import { findChromium } from '../../harness/browser/find-chromium.ts';
import type { RunResult } from '../../harness/results/model.ts';
import { runNauthera, type Ran } from '../support/run-command.ts';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'nauthera-external-needs-'));
const browserLink = join(work, 'my-chromium');
const noSlapd = join(work, 'no-such-slapd');
let op: OidcProviderTarget;


/** The CLI in an environment without slapd and without NAUTHERA_CHROMIUM. */
function nauthera(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { ...process.env, NAUTHERA_DEBUG: '', NO_COLOR: '1', NAUTHERA_SLAPD: noSlapd, ...extraEnv };
  if (!('NAUTHERA_CHROMIUM' in extraEnv)) delete env.NAUTHERA_CHROMIUM;
  return runNauthera(args, { cwd: work, env, timeoutMs: 120_000 });
}

beforeAll(async () => {
  symlinkSync(findChromium({ env: {} }).path, browserLink);
  op = await startOidcProviderTarget();
}, 120_000);
afterAll(async () => {
  await op?.stop();
  rmSync(work, { recursive: true, force: true });
});

it('runs against an external IdP with no slapd and the browser given by --browser (exit 0)', async () => {
  const out = join(work, 'reports');
  const { code, stdout, stderr } = await nauthera(['run', '--target', op.issuer, '--config', op.configPath, '--out', out, '--flows', 'discovery,client-credentials', '--browser', browserLink]);
  expect(code, `exit code\n${stdout}\n${stderr.slice(-4000)}`).toBe(0);
  expect(stderr).not.toMatch(/slapd/);
  const run = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
  expect(run.target).toMatchObject({ kind: 'external', issuer: op.issuer });
  expect(run.flows.map((f) => f.id).sort()).toEqual(['client-credentials', 'discovery']);
  // oidc-provider misses a SHOULD here and there (a warning); no MUST fails.
  for (const flow of run.flows) expect(['passed', 'warning'], `${flow.id}: ${flow.status}`).toContain(flow.status);
  // The diagrams are drawn in the browser --browser gave.
  expect(existsSync(join(out, 'diagrams', 'discovery.svg'))).toBe(true);
  expect(existsSync(join(out, 'diagrams', 'client-credentials.png'))).toBe(true);
  // And redrawn from results.json by `nauthera diagrams`, in the same browser.
  const redrawn = join(work, 'redrawn');
  const diagrams = await nauthera(['diagrams', '--results', join(out, 'results.json'), '--out', redrawn, '--root', root, '--format', 'svg', '--browser', browserLink]);
  expect(diagrams.code, diagrams.stderr).toBe(0);
  expect(existsSync(join(redrawn, 'diagrams', 'discovery.svg'))).toBe(true);
}, 180_000);

it('refuses a --browser or NAUTHERA_CHROMIUM path that does not exist, naming it (exit 2)', async () => {
  const missing = join(work, 'no-such-chromium');
  const flag = await nauthera(['run', '--target', op.issuer, '--config', op.configPath, '--out', join(work, 'r-flag'), '--flows', 'discovery', '--browser', missing]);
  expect(flag.code).toBe(2);
  expect(flag.stderr.trim()).toBe(`nauthera run: Chromium not found at ${missing} (given by --browser)`);
  const env = await nauthera(['run', '--target', op.issuer, '--config', op.configPath, '--out', join(work, 'r-env'), '--flows', 'discovery'], { NAUTHERA_CHROMIUM: missing });
  expect(env.code).toBe(2);
  expect(env.stderr.trim()).toBe(`nauthera run: Chromium not found at ${missing} (given by NAUTHERA_CHROMIUM)`);
  const diagrams = await nauthera(['diagrams', '--results', join(work, 'no-results.json'), '--browser', missing]);
  expect(diagrams.code).toBe(2);
  expect(diagrams.stderr.trim()).toBe(`nauthera diagrams: Chromium not found at ${missing} (given by --browser)`);
}, 120_000);
