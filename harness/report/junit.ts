/**
 * junit.xml for CI: a flow is a <testsuite>, each check a <testcase> whose classname is
 * `<flow>.<arrow>` (the arrow's 1-based number and text) and whose name is the check's name and
 * id, so a CI's test view shows which check of which arrow failed.
 *   - a blocking failure is a <failure> carrying the check's detail;
 *   - a warning (a missed SHOULD, or a warning-severity check that failed) passes, visible as a
 *     property of its suite and in the case's system-out, or is a <failure> with warningsAsFailures;
 *   - an expected failure passes, noted the same way;
 *   - skipped and not-applicable checks are <skipped message="reason">.
 * An arrow without checks is one case of its own (its skip reason, or the error that ended it),
 * and so is a suite that did not load. Built with xmlbuilder2 and valid against the JUnit XSD
 * Jenkins' xUnit plugin publishes (test/fixtures/junit/), which has no <properties> in a
 * <testcase> and no `skipped` on <testsuites>: those stay on each <testsuite>.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { CheckResult, FlowResult, RunResult, StepResult } from '../results/model.ts';
import { isBlocking, isWarning } from '../results/status.ts';

export interface JUnitOptions {
  /** Report warnings as <failure type="warning"> (`nauthera run --warnings-as-failures`). */
  warningsAsFailures?: boolean;
}

type Outcome =
  | { kind: 'passed' }
  | { kind: 'failure'; message: string; type: string }
  | { kind: 'skipped'; message: string };

interface Case {
  classname: string;
  name: string;
  durationMs: number;
  outcome: Outcome;
  out?: string;
  /** A warning or expected failure, shown as a property of the suite as well. */
  note?: { name: string; value: string };
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** `login.4 Client → AS: Exchanges the code`: the flow, then the arrow as every report numbers it, from 1. */
const arrowClassname = (flow: FlowResult, step: StepResult) => `${flow.id}.${step.index + 1} ${step.from} → ${step.to}: ${step.text}`;

/** A check's verdict as a CI reads it. */
type JUnitVerdict = 'passed' | 'failed' | 'warning' | 'expected failure' | 'skipped' | 'not-applicable';

function junitVerdict(check: CheckResult): JUnitVerdict {
  if (isBlocking(check)) return 'failed';
  if (isWarning(check)) return 'warning';
  if (check.status === 'failed' || check.status === 'warning') return 'expected failure';
  return check.status;
}

function checkLine(check: CheckResult, verdict: JUnitVerdict): string {
  const expected = check.expectedFailure ? ` — expected: ${check.expectedFailure}` : '';
  return `[${verdict}] ${check.name} (${check.spec}, ${check.severity})${check.id ? ` {${check.id}}` : ''}: ${check.detail}${expected}`;
}

function checkCase(flow: FlowResult, step: StepResult, check: CheckResult, options: JUnitOptions): Case {
  const verdict = junitVerdict(check);
  const line = checkLine(check, verdict);
  const base = { classname: arrowClassname(flow, step), name: check.id ? `${check.name} [${check.id}]` : check.name, durationMs: check.durationMs ?? 0, out: line };
  const noteName = check.id ?? `${flow.id}: ${check.name}`;
  switch (verdict) {
    case 'failed':
      return { ...base, outcome: { kind: 'failure', message: check.detail, type: check.spec } };
    case 'warning': {
      const note = { name: noteName, value: `warning: ${check.detail}` };
      const outcome: Outcome = options.warningsAsFailures ? { kind: 'failure', message: `warning: ${check.detail}`, type: 'warning' } : { kind: 'passed' };
      return { ...base, outcome, note };
    }
    case 'expected failure':
      return { ...base, outcome: { kind: 'passed' }, note: { name: noteName, value: `expected failure: ${check.expectedFailure}` } };
    case 'skipped':
    case 'not-applicable':
      return { ...base, outcome: { kind: 'skipped', message: skipMessage(verdict, check.detail || step.reason) } };
    default:
      return { ...base, outcome: { kind: 'passed' } };
  }
}

function skipMessage(status: 'skipped' | 'not-applicable', reason: string | undefined): string {
  const why = reason ?? status;
  return status === 'not-applicable' && !why.startsWith('not applicable') ? `not applicable: ${why}` : why;
}

/** The cases of one arrow: one per check, plus one for the arrow when no check carries its verdict. */
function stepCases(flow: FlowResult, step: StepResult, options: JUnitOptions): Case[] {
  const cases = step.checks.map((c) => checkCase(flow, step, c, options));
  const arrow = { classname: arrowClassname(flow, step), name: 'arrow', durationMs: step.durationMs };
  if (step.status === 'failed' && !step.checks.some(isBlocking)) {
    // The step ended on an error outside any check (a timeout, a thrown exception).
    const message = step.reason ?? 'failed';
    cases.push({ ...arrow, outcome: { kind: 'failure', message, type: 'nauthera' }, out: `[failed] ${message}` });
  } else if (step.checks.length === 0) {
    if (step.status === 'skipped' || step.status === 'not-applicable') cases.push({ ...arrow, outcome: { kind: 'skipped', message: skipMessage(step.status, step.reason) } });
    else cases.push({ ...arrow, outcome: { kind: 'passed' } });
  }
  return cases;
}

function flowCases(flow: FlowResult, options: JUnitOptions): Case[] {
  const cases = flow.steps.flatMap((s) => stepCases(flow, s, options));
  // A flow that fails without a failing case (its suite did not load or bind) gets a case of its own.
  if (flow.status === 'failed' && !cases.some((c) => c.outcome.kind === 'failure')) {
    const message = flow.reason ?? 'failed';
    cases.unshift({ classname: flow.id, name: 'suite', durationMs: 0, outcome: { kind: 'failure', message, type: 'nauthera' }, out: message });
  }
  return cases;
}

function addCase(suite: XMLBuilder, c: Case): void {
  const el = suite.ele('testcase', { classname: c.classname, name: c.name, time: seconds(c.durationMs) });
  if (c.outcome.kind === 'failure') el.ele('failure', { message: c.outcome.message, type: c.outcome.type }).txt(c.out ?? c.outcome.message);
  else if (c.outcome.kind === 'skipped') el.ele('skipped', { message: c.outcome.message });
  if (c.out) el.ele('system-out').txt(c.out);
}

interface Counts { tests: number; failures: number; skipped: number }

function addSuite(root: XMLBuilder, run: RunResult, flow: FlowResult, options: JUnitOptions): Counts {
  const cases = flowCases(flow, options);
  const counts = {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome.kind === 'failure').length,
    skipped: cases.filter((c) => c.outcome.kind === 'skipped').length,
  };
  const suite = root.ele('testsuite', {
    name: flow.id,
    tests: String(counts.tests),
    failures: String(counts.failures),
    errors: '0',
    skipped: String(counts.skipped),
    time: seconds(flow.durationMs),
    timestamp: run.startedAt,
  });
  const properties = suite.ele('properties');
  const props: Array<[string, string]> = [['title', flow.title], ['diagram', flow.diagram], ['status', flow.status]];
  if (flow.reason) props.push(['reason', flow.reason]);
  for (const c of cases) if (c.note) props.push([c.note.name, c.note.value]);
  for (const [name, value] of props) properties.ele('property', { name, value });
  for (const c of cases) addCase(suite, c);
  return counts;
}

export function toJUnit(run: RunResult, options: JUnitOptions = {}): string {
  // XML 1.0 forbids most control characters even when escaped: they are dropped.
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
  const root = doc.ele('testsuites', { name: `nauthera ${run.target.issuer}` });
  const total = { tests: 0, failures: 0 };
  for (const flow of run.flows) {
    const counts = addSuite(root, run, flow, options);
    total.tests += counts.tests;
    total.failures += counts.failures;
  }
  root.att({ tests: String(total.tests), failures: String(total.failures), errors: '0', time: seconds(run.durationMs) });
  return `${doc.end({ prettyPrint: true })}\n`;
}
