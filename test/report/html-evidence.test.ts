/** Which evidence report.html shows under a check, from a RunResult fixture (pure rendering logic). */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../harness/report/html.ts';
import { arrowEvidence, otherEvidence, ownEvidence } from '../../harness/report/html/evidence.ts';
import { countRows } from '../../harness/report/html/statuses.ts';
import type { CheckResult, Evidence, RunResult, StepResult } from '../../harness/results/model.ts';

const signIn: Evidence = { kind: 'page', url: 'http://127.0.0.1:1/interaction/abc', title: 'Sign in' };
const callback: Evidence = { kind: 'page', url: 'https://rp.example/cb?code=abcdef…(43 chars)', title: 'authorization response (query)' };
const token: Evidence = { kind: 'http', request: { method: 'POST', url: 'http://127.0.0.1:1/token', headers: {} }, response: { status: 200, headers: {} }, durationMs: 4 };

const check = (id: string, extra: Partial<CheckResult>): CheckResult => ({ id: `f/step/${id}`, name: id, spec: 'RFC 9207 §2', severity: 'failure', status: 'passed', detail: 'ok', ...extra });

const step: StepResult = {
  index: 2, from: 'AS', to: 'User', text: 'Provides Authorization Code', status: 'failed', durationMs: 5,
  checks: [
    check('code', { evidence: [callback, signIn], ownEvidence: 1 }),
    check('iss', { status: 'failed', detail: 'no iss', evidence: [callback, signIn], ownEvidence: 1 }),
    check('older', { evidence: [token] }),
    check('expected', { status: 'failed', expectedFailure: 'known', evidence: [] }),
    check('judged-nothing', { status: 'failed', detail: 'the step threw', evidence: [] }),
  ],
};

const run: RunResult = {
  version: 1, target: { kind: 'reference', issuer: 'http://127.0.0.1:1' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 9,
  flows: [
    { id: 'f', title: 'F', diagram: 'diagrams/f.mmd', status: 'failed', durationMs: 9, steps: [step, { index: 3, from: 'User', to: 'Client', text: 'Later', status: 'skipped', durationMs: 0, checks: [], reason: 'skipped: needs the code' }] },
    { id: 'broken', title: 'broken', diagram: 'diagrams/broken.mmd', status: 'failed', durationMs: 0, steps: [], reason: 'did not load' },
  ],
};

describe('evidence under a check', () => {
  it('is the check\'s own; the arrow\'s other evidence is the rest, each piece once', () => {
    const [code, , older] = step.checks;
    expect(ownEvidence(code)).toEqual([callback]);
    // Written before the split: all of it is the check's own.
    expect(ownEvidence(older)).toEqual([token]);
    expect(arrowEvidence(step)).toEqual([callback, signIn, token]);
    expect(otherEvidence(code, arrowEvidence(step))).toEqual([signIn, token]);
  });

  it('writes the arrow\'s evidence that no check owns once, for the checks to show', () => {
    const html = renderHtml(run);
    const li = html.slice(html.indexOf('id="step-f-3"'), html.indexOf('id="step-f-4"'));
    expect(li.match(/<template class="arrow-evidence">.*?<\/template>/s)?.[0]).toContain('Sign in');
    expect(li.match(/data-ev="1"/g)).toHaveLength(1);
    const more = (name: string) => li.slice(li.indexOf(`data-check="${name}"`)).match(/<details class="more"[^>]*>/)?.[0];
    expect(more('iss')).toBe('<details class="more" data-ev-list="1 2">');
    // A failed check that judged nothing of its own shows its arrow's evidence at once.
    expect(more('judged-nothing')).toBe('<details class="more" data-ev-list="0 1 2" open>');
    expect(more('expected')).toBe('<details class="more" data-ev-list="0 1 2">');
  });

  it('counts checks per shown status, an expected failure as a warning and an arrow or flow without checks once', () => {
    expect(countRows(run)).toEqual({ passed: 2, failed: 3, warning: 1, skipped: 1, 'not-applicable': 0 });
  });
});
