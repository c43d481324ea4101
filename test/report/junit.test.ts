/**
 * junit.xml from a RunResult holding every verdict a check or an arrow can have: one case per
 * check, valid against the JUnit XSD Jenkins' xUnit plugin uses (test/fixtures/junit/, checked
 * with xmllint from Debian's libxml2-utils), warnings visible or failing on demand.
 * The report of a real run is checked the same way in test/harness/report.test.ts.
 */
import { create } from 'xmlbuilder2';
import { describe, expect, it } from 'vitest';
import type { CheckResult, RunResult, StepResult } from '../../harness/results/model.ts';
import { toJUnit } from '../../harness/report/junit.ts';
import { xsdProblems } from './junit-xsd.ts';

interface ParsedCase {
  classname: string | null;
  name: string | null;
  failure: { message: string | null; type: string | null; text: string } | null;
  skipped: string | null;
  out: string | null;
}

function parse(xml: string) {
  const doc = create(xml).node as unknown as Document;
  const root = doc.documentElement;
  const suites = [...doc.getElementsByTagName('testsuite')].map((s) => ({
    attrs: Object.fromEntries([...s.attributes].map((a) => [a.name, a.value])),
    properties: [...s.getElementsByTagName('property')].map((p) => [p.getAttribute('name'), p.getAttribute('value')]),
    cases: [...s.getElementsByTagName('testcase')].map((c): ParsedCase => {
      const failure = c.getElementsByTagName('failure')[0];
      return {
        classname: c.getAttribute('classname'),
        name: c.getAttribute('name'),
        failure: failure ? { message: failure.getAttribute('message'), type: failure.getAttribute('type'), text: failure.textContent ?? '' } : null,
        skipped: c.getElementsByTagName('skipped')[0]?.getAttribute('message') ?? null,
        out: c.getElementsByTagName('system-out')[0]?.textContent ?? null,
      };
    }),
  }));
  return { root: Object.fromEntries([...root.attributes].map((a) => [a.name, a.value])), suites };
}

const check = (key: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  id: `login/exchange/${key}`,
  name: key.replace(/-/g, ' '),
  spec: 'RFC 6749 §4.1.3',
  severity: 'failure',
  status,
  detail: `${key} detail`,
  durationMs: 12,
  ...extra,
});

const step = (index: number, status: StepResult['status'], checks: CheckResult[], extra: Partial<StepResult> = {}): StepResult => ({
  index, from: 'Client', to: 'AS', text: `arrow ${index + 1} text`, status, durationMs: 30, checks, ...extra,
});

const hostile = '<b>"tags" & \'quotes\'</b> ]]> \u0001\u001b end';

const run: RunResult = {
  version: 1,
  target: { kind: 'external', issuer: 'https://idp.example/' },
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 4321,
  flows: [
    {
      id: 'login',
      title: 'Login',
      diagram: 'diagrams/login.mmd',
      status: 'failed',
      durationMs: 2000,
      steps: [
        step(0, 'passed', [check('discovery-answers', 'passed')]),
        step(3, 'failed', [
          check('code-reuse-is-refused', 'failed', { detail: 'second use answered HTTP 200' }),
          check('should-sends-no-store', 'warning', { detail: 'Cache-Control lacks no-store' }),
          check('warning-severity', 'failed', { severity: 'warning', detail: 'token_type is "bearer" in lower case' }),
          check('known-departure', 'failed', { expectedFailure: 'the vendor answers 400', detail: 'answered 400' }),
          check('pkce-plain', 'not-applicable', { detail: 'the target does not support plain' }),
          check('hostile', 'passed', { detail: hostile }),
        ]),
        step(4, 'failed', [check('before-timeout', 'passed')], { reason: 'the step did not finish within 30000 ms' }),
        step(5, 'skipped', [], { reason: 'needs the access token of arrow 5' }),
        step(6, 'passed', []),
      ],
    },
    { id: 'broken', title: 'Broken', diagram: 'diagrams/broken.mmd', status: 'failed', reason: 'suites/broken.suite.ts failed to load', durationMs: 0, steps: [] },
    {
      id: 'device',
      title: 'Device',
      diagram: 'diagrams/device.mmd',
      status: 'not-applicable',
      reason: 'no device client',
      durationMs: 0,
      steps: [step(0, 'not-applicable', [], { reason: 'the target has no client with role "device"' })],
    },
  ],
};

const xml = toJUnit(run);
const parsed = parse(xml);
const [login, broken, device] = parsed.suites;
const byName = (name: string) => login.cases.find((c) => c.name?.startsWith(name))!;

describe('junit.xml, one test case per check', () => {
  it('is valid against the JUnit XSD that Jenkins uses, as is its --warnings-as-failures form', () => {
    expect(xsdProblems(xml)).toBe('');
    expect(xsdProblems(toJUnit(run, { warningsAsFailures: true }))).toBe('');
    expect(xsdProblems(toJUnit({ ...run, flows: [] }))).toBe('');
    // The schema does bite: the former layout (properties in a case, skipped on the root) fails it.
    expect(xsdProblems('<testsuites skipped="0"><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"><properties/></testcase></testsuite></testsuites>'))
      .toMatch(/attribute 'skipped': The attribute 'skipped' is not allowed[\s\S]*'properties': This element is not expected/);
  });

  it('names each case by its check and id, in a class named by the flow and the 1-based arrow', () => {
    expect(login.cases.map((c) => [c.classname, c.name])).toEqual([
      ['login.1 Client → AS: arrow 1 text', 'discovery answers [login/exchange/discovery-answers]'],
      ...['code reuse is refused', 'should sends no store', 'warning severity', 'known departure', 'pkce plain', 'hostile']
        .map((n) => ['login.4 Client → AS: arrow 4 text', `${n} [login/exchange/${n.replace(/ /g, '-')}]`]),
      ['login.5 Client → AS: arrow 5 text', 'before timeout [login/exchange/before-timeout]'],
      ['login.5 Client → AS: arrow 5 text', 'arrow'],
      ['login.6 Client → AS: arrow 6 text', 'arrow'],
      ['login.7 Client → AS: arrow 7 text', 'arrow'],
    ]);
  });

  it('fails a blocking check with its detail, and an arrow ended outside its checks with its reason', () => {
    expect(byName('code reuse').failure).toEqual({
      message: 'second use answered HTTP 200',
      type: 'RFC 6749 §4.1.3',
      text: '[failed] code reuse is refused (RFC 6749 §4.1.3, failure) {login/exchange/code-reuse-is-refused}: second use answered HTTP 200',
    });
    const ended = login.cases.filter((c) => c.classname?.startsWith('login.5 '));
    expect(ended.map((c) => c.failure?.message ?? null)).toEqual([null, 'the step did not finish within 30000 ms']);
    expect(broken.cases).toEqual([{ classname: 'broken', name: 'suite', failure: { message: 'suites/broken.suite.ts failed to load', type: 'nauthera', text: 'suites/broken.suite.ts failed to load' }, skipped: null, out: 'suites/broken.suite.ts failed to load' }]);
  });

  it('shows warnings and expected failures as passing cases, in system-out and as properties of the suite', () => {
    for (const name of ['should sends', 'warning severity', 'known departure']) expect(byName(name).failure).toBeNull();
    expect(byName('should sends').out).toBe('[warning] should sends no store (RFC 6749 §4.1.3, failure) {login/exchange/should-sends-no-store}: Cache-Control lacks no-store');
    expect(byName('warning severity').out).toMatch(/^\[warning\] warning severity \(RFC 6749 §4\.1\.3, warning\)/);
    expect(byName('known departure').out).toBe('[expected failure] known departure (RFC 6749 §4.1.3, failure) {login/exchange/known-departure}: answered 400 — expected: the vendor answers 400');
    expect(login.properties).toEqual([
      ['title', 'Login'],
      ['diagram', 'diagrams/login.mmd'],
      ['status', 'failed'],
      ['login/exchange/should-sends-no-store', 'warning: Cache-Control lacks no-store'],
      ['login/exchange/warning-severity', 'warning: token_type is "bearer" in lower case'],
      ['login/exchange/known-departure', 'expected failure: the vendor answers 400'],
    ]);
  });

  it('turns warnings, and only them, into failures with --warnings-as-failures', () => {
    const strict = parse(toJUnit(run, { warningsAsFailures: true })).suites[0];
    const failures = strict.cases.filter((c) => c.failure).map((c) => [c.name?.split(' [')[0], c.failure!.type, c.failure!.message]);
    expect(failures).toEqual([
      ['code reuse is refused', 'RFC 6749 §4.1.3', 'second use answered HTTP 200'],
      ['should sends no store', 'warning', 'warning: Cache-Control lacks no-store'],
      ['warning severity', 'warning', 'warning: token_type is "bearer" in lower case'],
      ['arrow', 'nauthera', 'the step did not finish within 30000 ms'],
    ]);
    expect(strict.attrs.failures).toBe('4');
  });

  it('skips not-applicable checks and skipped or not-applicable arrows with the reason', () => {
    expect(byName('pkce plain').skipped).toBe('not applicable: the target does not support plain');
    expect(login.cases.find((c) => c.classname?.startsWith('login.6 '))?.skipped).toBe('needs the access token of arrow 5');
    expect(device.cases.map((c) => c.skipped)).toEqual(['not applicable: the target has no client with role "device"']);
  });

  it('counts cases per suite and in total', () => {
    expect(login.attrs).toMatchObject({ name: 'login', tests: '11', failures: '2', errors: '0', skipped: '2', time: '2.000', timestamp: '2026-01-02T03:04:05.000Z' });
    expect(parsed.root).toEqual({ name: 'nauthera https://idp.example/', tests: '13', failures: '3', errors: '0', time: '4.321' });
  });

  it('keeps hostile text as text, dropping the control characters XML 1.0 forbids', () => {
    expect(byName('hostile').out).toContain('<b>"tags" & \'quotes\'</b> ]]>  end');
  });
});
