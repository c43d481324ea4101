/**
 * junit.xml for CI: a flow is a <testsuite>, an arrow (step) a <testcase>. The failure
 * message is the step's first failing check; skipped and not-applicable steps are
 * <skipped/> with their reason. Warnings and expected failures pass, noted in system-out.
 * Each check's id (`nauthera checks`) is a <property> of its arrow's case, name = id and
 * value = verdict, and is in its system-out line between braces.
 */
import type { CheckResult, FlowResult, RunResult, StepResult } from '../results/model.ts';
import { firstFailingCheck } from '../results/status.ts';

// XML 1.0 forbids most control characters even when escaped.
// eslint-disable-next-line no-control-regex
const invalidXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text.replace(invalidXml, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function stepTitle(step: StepResult): string {
  return `${step.index + 1}. ${step.from} → ${step.to}: ${step.text}`;
}

const verdict = (c: CheckResult) => (c.expectedFailure ? 'expected failure' : c.status);

function checkLine(c: CheckResult): string {
  return `[${verdict(c)}] ${c.name} (${c.spec}, ${c.severity})${c.id ? ` {${c.id}}` : ''}: ${c.detail}${c.expectedFailure ? ` — expected: ${c.expectedFailure}` : ''}`;
}

/** Each check's id and verdict as a property of its arrow's test case, for CI tools that show them. */
function checkProperties(step: StepResult): string | undefined {
  const withId = step.checks.filter((c) => c.id);
  if (withId.length === 0) return undefined;
  return `<properties>\n${withId.map((c) => `        <property name="${xmlEscape(c.id!)}" value="${xmlEscape(verdict(c))}"/>`).join('\n')}\n      </properties>`;
}

function testcase(flow: FlowResult, step: StepResult): string {
  const attrs = `classname="${xmlEscape(`nauthera.${flow.id}`)}" name="${xmlEscape(stepTitle(step))}" time="${seconds(step.durationMs)}"`;
  const out = step.checks.map(checkLine).join('\n');
  const parts: string[] = [];
  const properties = checkProperties(step);
  if (properties) parts.push(properties);
  if (step.status === 'failed') {
    const check = firstFailingCheck(step);
    const message = check ? `${check.name}: ${check.detail}` : step.reason ?? 'failed';
    parts.push(`<failure message="${xmlEscape(message)}" type="${xmlEscape(check?.spec ?? 'nauthera')}">${xmlEscape(out || message)}</failure>`);
  } else if (step.status === 'skipped' || step.status === 'not-applicable') {
    const why = step.reason ?? step.status;
    parts.push(`<skipped message="${xmlEscape(step.status === 'not-applicable' && !why.startsWith('not applicable') ? `not applicable: ${why}` : why)}"/>`);
  }
  if (out) parts.push(`<system-out>${xmlEscape(out)}</system-out>`);
  return parts.length ? `    <testcase ${attrs}>\n      ${parts.join('\n      ')}\n    </testcase>` : `    <testcase ${attrs}/>`;
}

function testsuite(flow: FlowResult): string {
  const cases = flow.steps.map((s) => testcase(flow, s));
  let failures = flow.steps.filter((s) => s.status === 'failed').length;
  // A flow that fails without a failing step (its suite did not load or bind) gets a case of its own.
  if (flow.status === 'failed' && failures === 0) {
    cases.unshift(`    <testcase classname="${xmlEscape(`nauthera.${flow.id}`)}" name="suite" time="0.000">\n      <failure message="${xmlEscape(flow.reason ?? 'failed')}" type="nauthera">${xmlEscape(flow.reason ?? 'failed')}</failure>\n    </testcase>`);
    failures = 1;
  }
  const skipped = flow.steps.filter((s) => s.status === 'skipped' || s.status === 'not-applicable').length;
  const props = [['title', flow.title], ['diagram', flow.diagram], ['status', flow.status], ...(flow.reason ? [['reason', flow.reason]] : [])]
    .map(([n, v]) => `      <property name="${n}" value="${xmlEscape(v)}"/>`).join('\n');
  return `  <testsuite name="${xmlEscape(flow.id)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(flow.durationMs)}">\n    <properties>\n${props}\n    </properties>\n${cases.join('\n')}\n  </testsuite>`;
}

export function toJUnit(run: RunResult): string {
  const suites = run.flows.map(testsuite);
  const count = (re: RegExp) => suites.reduce((n, s) => n + Number(re.exec(s)?.[1] ?? 0), 0);
  const tests = count(/tests="(\d+)"/);
  const failures = count(/failures="(\d+)"/);
  const skipped = count(/skipped="(\d+)"/);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nauthera ${xmlEscape(run.target.issuer)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(run.durationMs)}" timestamp="${xmlEscape(run.startedAt)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
