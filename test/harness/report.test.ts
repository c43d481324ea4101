/**
 * Reports from a real run: the tiny suite against the loopback IdP with a fault, a flow that
 * is not applicable, a suite that does not load, and one whose text is hostile HTML.
 * results.json against its published schema, junit.xml against the JUnit XSD Jenkins uses,
 * and report.html opened in Chromium: diagrams, step details, evidence, escaping.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { defineFlow, step } from '../../harness/flow/index.ts';
import { importSuite } from '../../harness/flow/load-suites.ts';
import type { RunResult } from '../../harness/results/model.ts';
import { runSuites } from '../../harness/flow/run-suites.ts';
import { validateResults } from '../../harness/results/schema.ts';
import { readResults } from '../../harness/results/io.ts';
import { writeReports } from '../../harness/report/write.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import { tinyArrows } from './fixtures/tiny-arrows.ts';
import { xsdProblems } from '../report/junit-xsd.ts';
import { create } from 'xmlbuilder2';

/** The id of the tiny suite's check that the code-reuse fault fails (an inline check: its name, slugged). */
const codeReuseId = 'tiny/exchanges-the-code-for-a-token/code-reuse-is-refused-with-invalid-grant';

const hostile = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & "quotes"';

const noopSteps = (from = 0) => tinyArrows.slice(from).map(([a, b, text]) => step(a, b, text, () => {}));

const hostileFlow = defineFlow({
  id: 'hostile',
  title: `Hostile ${hostile}`,
  diagram: 'test/harness/fixtures/tiny.mmd',
  steps: [
    step('User', 'Client', 'Starts sign-in', async (ctx) => {
      await ctx.check({ name: `check ${hostile}`, spec: 'RFC 6749 §4.1.2' }, (c) => {
        c.note('server said', hostile);
        c.fail(`the IdP answered ${hostile}`);
      });
    }),
    ...noopSteps(1),
  ],
});

const notApplicableFlow = defineFlow({
  id: 'needs-device',
  title: 'Needs a device client',
  diagram: 'test/harness/fixtures/tiny.mmd',
  needs: { clients: ['device'] },
  steps: noopSteps(),
});

let idp: FakeIdp;
const browser = new BrowserSession();
const outDir = mkdtempSync(join(tmpdir(), 'nauthera-report-'));
let run: RunResult;
let page: Page;

beforeAll(async () => {
  idp = await startFakeIdp({ faults: ['code-reuse'] });
  // Metadata the IdP does not advertise, set by the config: the report must say so.
  const config = parseTargetConfig({ ...fakeIdpConfig(idp), metadata: { scopes_supported: ['openid', 'profile', 'email'], op_policy_uri: 'https://idp.example/policy' } });
  const target = await openExternalTarget({ config, configPath: 'fake.json' });
  const tiny = await importSuite({ id: 'tiny', file: join(import.meta.dirname, 'fixtures/suites/tiny.suite.ts') });
  run = await runSuites([
    tiny,
    { id: 'needs-device', file: 'inline', flow: notApplicableFlow },
    { id: 'broken', file: 'suites/broken.suite.ts', error: 'suites/broken.suite.ts failed to load: SyntaxError: Unexpected token' },
    { id: 'hostile', file: 'inline', flow: hostileFlow },
  ], { target, browser, outDir });
  await target.close();
  await writeReports(run, outDir, { browser: await browser.get() });
  page = await (await browser.newContext()).newPage();
});

afterAll(async () => {
  await browser.close();
  await idp.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe('results.json', () => {
  it('holds the verdicts the run produced', () => {
    expect(run.flows.map((f) => [f.id, f.status])).toEqual([['tiny', 'failed'], ['needs-device', 'not-applicable'], ['broken', 'failed'], ['hostile', 'failed']]);
    const tiny = run.flows[0];
    // The failed check is soft and the token came back: the later arrows, needing only the token, still run.
    expect(tiny.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'passed', 'passed']);
    const failing = tiny.steps[3].checks.filter((c) => c.status === 'failed');
    expect(failing.map((c) => [c.name, c.detail])).toEqual([['code reuse is refused with invalid_grant', 'expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token, token_type, expires_in, refresh_token']]);
    // The other checks of the attacked arrow still ran (soft), and passed.
    expect(tiny.steps[3].checks.filter((c) => c.status === 'passed').map((c) => c.name)).toEqual(['the token endpoint answers 200', 'a wrong client secret is refused with invalid_client']);
  });

  it('records the metadata the config set, beside what discovery said', () => {
    expect(run.target).toEqual({
      kind: 'external',
      issuer: idp.issuer,
      config: 'fake.json',
      metadataOverrides: {
        scopes_supported: { discovered: ['openid', 'profile'], configured: ['openid', 'profile', 'email'] },
        op_policy_uri: { discovered: null, configured: 'https://idp.example/policy' },
      },
    });
  });

  it('gives every check its id, <flow>/<step key>/<check key>', () => {
    const checks = run.flows.flatMap((f) => f.steps.flatMap((s) => s.checks.map((c) => ({ flow: f.id, id: c.id }))));
    expect(checks.length).toBeGreaterThan(5);
    for (const c of checks) expect(c.id).toMatch(new RegExp(`^${c.flow}/[a-z0-9-]+/[a-z0-9-]+$`));
    expect(run.flows[0].steps[3].checks.map((c) => c.id)).toContain(codeReuseId);
  });

  it('conforms to the published JSON Schema, which rejects a malformed one', () => {
    const written = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    expect(validateResults(written)).toEqual([]);
    expect(readResults(join(outDir, 'results.json')).flows).toHaveLength(4);
    const broken = structuredClone(written);
    delete broken.flows[0].steps[0].status;
    broken.flows[0].steps[1].checks[0].severity = 'fatal';
    broken.flows[0].steps[3].checks[0].evidence[0].kind = 'ftp';
    broken.flows[1].colour = 'red';
    const errors = validateResults(broken);
    expect(errors).toContain('$.flows[0].steps[0].status: is required');
    expect(errors).toContain('$.flows[0].steps[1].checks[0].severity: must be one of "failure", "warning", got "fatal"');
    expect(errors.some((e) => e.startsWith('$.flows[0].steps[3].checks[0].evidence[0]: matches none of the allowed shapes'))).toBe(true);
    expect(errors).toContain('$.flows[1].colour: is not allowed');
  });

  it('takes files written before check ids, and a warning on a failure-severity check (a missed SHOULD)', () => {
    const written = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as RunResult;
    const older = structuredClone(written);
    delete older.target.metadataOverrides;
    for (const check of older.flows.flatMap((f) => f.steps.flatMap((s) => s.checks))) delete check.id;
    expect(validateResults(older)).toEqual([]);
    const should = structuredClone(written);
    Object.assign(should.flows[0].steps[3].checks[0], { severity: 'failure', status: 'warning' });
    expect(validateResults(should)).toEqual([]);
    const badId = structuredClone(written);
    badId.flows[0].steps[3].checks[0].id = 'no slashes';
    expect(validateResults(badId)).toEqual([expect.stringMatching(/^\$\.flows\[0\]\.steps\[3\]\.checks\[0\]\.id: must match /)]);
  });
});

describe('junit.xml', () => {
  const cases = (suite: string) => {
    const doc = create(readFileSync(join(outDir, 'junit.xml'), 'utf8')).node as unknown as Document;
    const el = [...doc.getElementsByTagName('testsuite')].find((s) => s.getAttribute('name') === suite)!;
    return {
      attrs: { tests: el.getAttribute('tests'), failures: el.getAttribute('failures'), skipped: el.getAttribute('skipped') },
      cases: [...el.getElementsByTagName('testcase')].map((c) => ({
        classname: c.getAttribute('classname'),
        name: c.getAttribute('name'),
        failure: c.getElementsByTagName('failure')[0]?.getAttribute('message') ?? null,
        skipped: c.getElementsByTagName('skipped')[0]?.getAttribute('message') ?? null,
        out: c.getElementsByTagName('system-out')[0]?.textContent ?? null,
      })),
    };
  };

  it('is valid against the JUnit XSD Jenkins uses', () => {
    expect(xsdProblems(readFileSync(join(outDir, 'junit.xml'), 'utf8'))).toBe('');
  });

  it('has a test case per check, in a class named by the flow and the 1-based arrow, failing with the check\'s detail', () => {
    const tiny = cases('tiny');
    const checks = run.flows[0].steps.flatMap((s) => s.checks);
    expect(tiny.attrs).toEqual({ tests: String(checks.length), failures: '1', skipped: '0' });
    const failing = tiny.cases.filter((c) => c.failure);
    expect(failing).toEqual([{
      classname: 'tiny.4 Client → AS: Exchanges the code for a token',
      name: `code reuse is refused with invalid_grant [${codeReuseId}]`,
      failure: 'expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token, token_type, expires_in, refresh_token',
      skipped: null,
      out: `[failed] code reuse is refused with invalid_grant (RFC 6749 §4.1.2, failure) {${codeReuseId}}: expected an OAuth error "invalid_grant" with HTTP 400, got HTTP 200 with a JSON body with access_token, token_type, expires_in, refresh_token`,
    }]);
    expect(tiny.cases.filter((c) => c.classname === 'tiny.4 Client → AS: Exchanges the code for a token').map((c) => c.name!.split(' [')[0]))
      .toEqual(run.flows[0].steps[3].checks.map((c) => c.name));
  });

  it('skips a not-applicable flow\'s arrows with the reason, and fails a suite that did not load', () => {
    const na = cases('needs-device');
    expect(na.cases.length).toBe(6);
    expect(na.cases.every((c) => c.skipped === 'not applicable: the target has no client with role "device"')).toBe(true);
    expect(cases('broken').cases).toEqual([{ classname: 'broken', name: 'suite', failure: 'suites/broken.suite.ts failed to load: SyntaxError: Unexpected token', skipped: null, out: 'suites/broken.suite.ts failed to load: SyntaxError: Unexpected token' }]);
    expect(cases('hostile').cases[0].failure).toBe(`the IdP answered ${hostile}`);
  });
});

describe('diagrams/<flow>.md', () => {
  it('names the first failing check of an arrow by id in its table, numbering arrows from 1 as every report does', () => {
    const md = readFileSync(join(outDir, 'diagrams', 'tiny.md'), 'utf8');
    const lines = md.split('\n');
    const rows = lines.slice(lines.indexOf('| # | arrow | status | checks passed | first failing check |')).filter((l) => /^\| \d+ \| /.test(l));
    expect(rows.map((l) => Number(l.split(' | ')[0].slice(2)))).toEqual([1, 2, 3, 4, 5, 6]);
    const row = rows.find((l) => l.startsWith('| 4 | '));
    expect(row).toMatch(new RegExp(`\\| ❌ failed \\| 2/3 \\| \`${codeReuseId}\` code reuse is refused with invalid_grant \\(RFC 6749 §4\\.1\\.2\\): expected an OAuth error`));
  });
});

describe('report.html', () => {
  beforeAll(async () => {
    await page.goto(pathToFileURL(join(outDir, 'report.html')).href);
  });

  it('shows each flow with its annotated diagram inlined', async () => {
    const tiny = page.locator('section[data-flow="tiny"]');
    const diagram = tiny.getByRole('group', { name: 'annotated diagram of tiny' });
    expect(await diagram.locator('svg').evaluate((svg) => svg.getBoundingClientRect().width)).toBeGreaterThan(100);
    expect(await diagram.locator('svg').textContent()).toContain('code reuse is refused with invalid_grant');
    // Its arrows are links to their steps.
    expect(await diagram.locator('[data-et="message"].arrow-link').count()).toBe(6);
    expect(await page.locator('section.flow').evaluateAll((s) => s.map((e) => e.getAttribute('data-status')))).toEqual(['failed', 'not-applicable', 'failed', 'failed']);
    await expect.poll(() => page.locator('section[data-flow="broken"] .reason').textContent()).toBe('suites/broken.suite.ts failed to load: SyntaxError: Unexpected token');
  });

  it('shows each step with its checks, timings and collapsible HTTP evidence', async () => {
    const step = page.locator('section[data-flow="tiny"] li.step[data-step="3"]');
    expect(await step.getAttribute('id')).toBe('step-tiny-4');
    expect(await step.locator('details').first().getAttribute('open')).toBe('');
    expect(await step.locator('summary').first().textContent()).toMatch(/^✘ failed 4\. Client → AS: Exchanges the code for a token \d+ ms line 11$/);
    const check = step.locator('.check[data-check="code reuse is refused with invalid_grant"]');
    expect(await check.getAttribute('data-check-id')).toBe(codeReuseId);
    expect(await check.locator('code.id').textContent()).toBe(codeReuseId);
    expect(await check.locator('.spec').textContent()).toBe('RFC 6749 §4.1.2');
    expect(await check.locator('.spec a').getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2');
    expect(await check.locator('.detail').textContent()).toContain('got HTTP 200 with a JSON body with access_token');
    const exchange = check.locator(':scope > .evidence > details.ev.http').last();
    expect(await exchange.locator('summary').first().textContent()).toMatch(new RegExp(`^POST 127\\.0\\.0\\.1:${idp.port}/token → 200 \\d+ ms$`));
    expect(await exchange.locator('.exchange pre').first().isVisible()).toBe(false);
    await exchange.locator('summary').first().click();
    expect(await exchange.locator('.exchange pre').first().textContent()).toContain('authorization: Basic ****');
    expect(await exchange.locator('.curl-cmd').textContent()).toContain("-H 'authorization: Basic ****'");
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).not.toContain('s3cret-Value-42');
  });

  it('lists the metadata set by the config, not by discovery', async () => {
    const table = page.locator('section.overrides');
    expect(await table.locator('h3').textContent()).toBe('Metadata set by the config, not by discovery');
    const cells = (member: string) => table.locator(`tr[data-member="${member}"] td`).allTextContents();
    expect(await cells('scopes_supported')).toEqual(['scopes_supported', '["openid","profile"]', '["openid","profile","email"]']);
    expect(await cells('op_policy_uri')).toEqual(['op_policy_uri', 'not in the document', '"https://idp.example/policy"']);
  });

  it('embeds the sign-in screenshots', async () => {
    const shots = page.locator('section[data-flow="tiny"] img.shot');
    expect(await shots.count()).toBeGreaterThanOrEqual(2);
    expect(await shots.first().getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('escapes hostile text: it shows, and nothing runs', async () => {
    const flow = page.locator('section[data-flow="hostile"]');
    expect(await flow.locator('h2').textContent()).toContain(`Hostile ${hostile}`);
    expect(await flow.locator('.check .detail').first().textContent()).toContain(`the IdP answered ${hostile}`);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await flow.locator('script, img[src="x"]').count()).toBe(0);
  });
});
