/**
 * nauthera as a user gets it: `npm pack` (whose prepack builds dist/), then `npm install
 * <tarball> --omit=dev` into an empty folder, with the registry as the only network, install
 * scripts allowed and PUPPETEER_SKIP_DOWNLOAD unset: nothing installed may download a browser,
 * because nothing that downloads one is installed. From that folder the installed command runs
 * the compiled dist/ (never tsx): `--help`, a run against oidc-provider (a third-party IdP given
 * by its issuer and config file) and against the reference target, then `diagrams` redraws the
 * run's diagrams. The installed size is measured and printed (README, "Install").
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/flow/runner.ts';
import type { RunResult } from '../../harness/results/model.ts';
import { startOidcProviderTarget, type OidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import { runCommand, type Ran } from '../support/run-command.ts';

/** The installed size the README states is checked against this ceiling (the aim the package is held to). */
const installedSizeCeilingMb = 150;

/** Where puppeteer and Playwright put the browsers they download. */
const browserCaches = [join(homedir(), '.cache', 'puppeteer'), join(homedir(), '.cache', 'ms-playwright')];

let work: string;
let app: string;
let installedSizeMb = 0;
let cachesBefore: Record<string, string[]>;
let op: OidcProviderTarget | undefined;

/**
 * The environment of a user's shell: without the npm_* variables `npm test` sets (they would
 * point the inner npm at this checkout), PUPPETEER_SKIP_DOWNLOAD (which .ci/run exports) or an
 * ignore-scripts setting, so a downloader, if one were installed, would run.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'PUPPETEER_SKIP_DOWNLOAD') continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1' };
}

const run = (command: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> => runCommand(command, args, { cwd, env: { ...userEnv(), ...env }, timeoutMs });

/** The installed command, as a user types it in their folder (`--no`: never fetched from the registry; `--`: the flags are nauthera's). */
const nauthera = (args: string[], timeoutMs = 300_000) => run('npx', ['--no', '--', 'nauthera', ...args], app, timeoutMs);

const explain = (what: string, r: Ran) => `${what}: exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`;

function listing(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nauthera-package-'));
  app = join(work, 'app');
  mkdirSync(app);
  cachesBefore = Object.fromEntries(browserCaches.map((dir) => [dir, listing(dir)]));

  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], projectRoot, 600_000);
  expect(packed.code, explain('npm pack', packed)).toBe(0);
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as Array<{ filename: string }>;

  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'nauthera-user', private: true }, null, 2)}\n`);
  const installed = await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', resolve(work, filename)], app, 900_000);
  expect(installed.code, explain('npm install <tarball>', installed)).toBe(0);

  const du = await run('du', ['-sk', 'node_modules'], app, 60_000);
  installedSizeMb = Math.round(Number(du.stdout.split(/\s/)[0]) / 1024);
  console.log(`nauthera installs in ${installedSizeMb} MB (node_modules of an empty folder, --omit=dev)`);
}, 1_500_000);

afterAll(async () => {
  await op?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package installed from its tarball', () => {
  it('ships the compiled code, not the sources, tests or bench', () => {
    const pkg = join(app, 'node_modules', 'nauthera');
    expect(existsSync(join(pkg, 'dist', 'harness', 'cli.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'harness', 'flow', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'harness', 'results', 'results.schema.json'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'fixtures', 'ldap', 'seed.js'))).toBe(true);
    expect(readdirSync(join(pkg, 'dist', 'suites')).some((f) => f.endsWith('.suite.js'))).toBe(true);
    expect(listing(pkg).filter((f) => !['README.md', 'LICENSE', 'package.json', 'bin', 'dist'].includes(f))).toEqual([]);
    expect(listing(join(pkg, 'bin'))).toEqual(['nauthera.js']);
  });

  it('needs no tsx, and installs nothing that downloads a browser', async () => {
    const modules = join(app, 'node_modules');
    for (const name of ['tsx', 'puppeteer', 'puppeteer-core', '@mermaid-js/mermaid-cli', 'testcontainers']) {
      expect(existsSync(join(modules, name)), `node_modules/${name} is installed`).toBe(false);
    }
    const ls = await run('npm', ['ls', '--all', 'tsx'], app, 120_000);
    expect(ls.stdout, 'tsx in the dependency tree').not.toMatch(/tsx@/);
    for (const dir of browserCaches) expect(listing(dir), `${dir} after the install`).toEqual(cachesBefore[dir]);
    // mermaid's browser build ships inside the package; the mermaid package (and its Node dependencies) does not.
    expect(existsSync(join(modules, 'nauthera', 'dist', 'vendor', 'mermaid', 'mermaid.esm.min.mjs')), 'the vendored mermaid build the renderer loads').toBe(true);
    expect(existsSync(join(modules, 'nauthera', 'dist', 'vendor', 'mermaid', 'LICENSE')), 'mermaid\'s licence beside it').toBe(true);
    expect(existsSync(join(modules, 'mermaid')), 'node_modules/mermaid is installed').toBe(false);
  });

  it('exports the suite API, the results model and their declaration files', async () => {
    const imported = await run(process.execPath, ['--input-type=module', '-e',
      "import { defineFlow, step } from 'nauthera'; import 'nauthera/results'; import schema from 'nauthera/results.schema.json' with { type: 'json' }; console.log(typeof defineFlow, typeof step, typeof schema)"], app, 60_000);
    expect(imported.code, explain('import from nauthera', imported)).toBe(0);
    expect(imported.stdout.trim()).toBe('function function object');
    // A vendor's own suite, type-checked against the installed declaration files (this checkout's tsc).
    writeFileSync(join(app, 'my-flow.suite.mts'), [
      "import { defineFlow, step, type FlowDefinition } from 'nauthera';",
      "import type { RunResult } from 'nauthera/results';",
      "export const flow: FlowDefinition = defineFlow({ id: 'mine', title: 'Mine', diagram: 'diagrams/mine.mmd', steps: [",
      "  step('Client', 'Authorization Server', 'hello', async (ctx) => { await ctx.check('one-is-one', (c) => c.expect(1, 'one').toBe(1)); }),",
      ']});',
      'export const none: RunResult | undefined = undefined;',
      '',
    ].join('\n'));
    const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeRoots = join(projectRoot, 'node_modules', '@types');
    const checked = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--types', 'node', '--typeRoots', typeRoots, 'my-flow.suite.mts'], app, 120_000);
    expect(checked.code, explain('tsc on a suite importing nauthera', checked)).toBe(0);
  });

  it(`installs in at most ${installedSizeCeilingMb} MB`, () => {
    expect(installedSizeMb).toBeGreaterThan(0);
    expect(installedSizeMb).toBeLessThanOrEqual(installedSizeCeilingMb);
  });

  it('runs `npx nauthera --help` and `--version`', async () => {
    const help = await nauthera(['--help']);
    expect(help.code, explain('--help', help)).toBe(0);
    expect(help.stdout).toMatch(/usage: nauthera/);
    const version = await nauthera(['--version']);
    expect(version.code, explain('--version', version)).toBe(0);
    const { version: packed } = JSON.parse(readFileSync(join(app, 'node_modules', 'nauthera', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout).toContain(packed);
  });

  it('runs `npx nauthera run --target <issuer> --config <file>` against oidc-provider, then redraws with `npx nauthera diagrams`', async () => {
    op = await startOidcProviderTarget();
    copyFileSync(op.configPath, join(app, 'idp.json'));
    const flows = ['discovery', 'client-credentials'];
    const ran = await nauthera(['run', '--target', op.issuer, '--config', 'idp.json', '--out', 'reports/idp', '--flows', flows.join(',')]);
    expect(ran.code, explain('nauthera run', ran)).toBe(0);
    const out = join(app, 'reports', 'idp');
    for (const file of ['results.json', 'junit.xml', 'report.html']) expect(existsSync(join(out, file)), file).toBe(true);
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(result.target).toMatchObject({ kind: 'external', issuer: op.issuer });
    expect(result.flows.map((f) => [f.id, f.status === 'passed' || f.status === 'warning']).sort()).toEqual(flows.map((id) => [id, true]).sort());
    for (const id of flows) expect(existsSync(join(out, 'diagrams', `${id}.svg`)), `diagrams/${id}.svg`).toBe(true);

    const redrawn = await nauthera(['diagrams', '--results', 'reports/idp/results.json', '--out', 'redrawn']);
    expect(redrawn.code, explain('nauthera diagrams', redrawn)).toBe(0);
    const printed = [...redrawn.stdout.matchAll(/^✓ [^:]+: (.+)$/gm)].flatMap((m) => m[1].split(', '));
    expect(printed.length, `files printed by nauthera diagrams:\n${redrawn.stdout}`).toBe(flows.length * 3);
    for (const file of printed) expect(existsSync(resolve(app, file)), file).toBe(true);
    const svg = readFileSync(join(app, 'redrawn', 'diagrams', 'discovery.svg'), 'utf8');
    expect(svg).toMatch(/<svg [^>]*aria-roledescription="sequence"/);
    expect(svg, 'the redrawn diagram marks the passed arrows').toContain('data-status="passed"');
  }, 600_000);

  it('names `npm install testcontainers` when the container provider is chosen without it (an optional peer)', async () => {
    const env = { NAUTHERA_LDAP_PROVIDER: 'container' };
    const ran = await run('npx', ['--no', '--', 'nauthera', 'ldap'], app, 120_000, env);
    expect(ran.code, explain('NAUTHERA_LDAP_PROVIDER=container nauthera ldap', ran)).toBe(2);
    expect(ran.stderr).toContain('npm install testcontainers');
    expect(ran.stderr).not.toMatch(/^\s+at /m);
  });

  it('runs the reference target (server and directory) from the package', async () => {
    const ran = await nauthera(['run', '--flows', 'discovery', '--out', 'reports/reference']);
    expect(ran.code, explain('nauthera run --flows discovery', ran)).toBe(0);
    const result = JSON.parse(readFileSync(join(app, 'reports', 'reference', 'results.json'), 'utf8')) as RunResult;
    expect(result.target.kind).toBe('reference');
    expect(result.flows.map((f) => f.status)).toEqual(['passed']);
  }, 300_000);
});
