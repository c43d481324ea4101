import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { annotateDiagram, arrowStatus } from '../../harness/diagram/annotate.ts';
import { statusMarks } from '../../harness/results/marks.ts';
import { parseSequenceDiagram } from '../../harness/diagram/parse.ts';
import type { CheckResult, FlowResult, Status, StepResult } from '../../harness/results/model.ts';

const root = join(import.meta.dirname, '..', '..');
const mmd = (flow: string) => readFileSync(join(root, 'diagrams', `${flow}.mmd`), 'utf8');

function check(status: Status, name: string, detail = '', spec = 'RFC 6749 §4.1.2'): CheckResult {
  return { name, spec, severity: status === 'warning' ? 'warning' : 'failure', status, detail };
}
function step(index: number, status: Status, checks: CheckResult[] = []): StepResult {
  return { index, from: '', to: '', text: '', status, durationMs: 1, checks };
}
function flow(id: string, status: Status, steps: StepResult[], reason?: string): FlowResult {
  return { id, title: id, diagram: `diagrams/${id}.mmd`, status, durationMs: 5, steps, ...(reason ? { reason } : {}) };
}

describe('annotateDiagram', () => {
  const source = mmd('authorization-code');
  const result = flow('authorization-code', 'failed', [
    step(0, 'passed'),
    step(1, 'passed'),
    step(2, 'warning', [check('passed', 'login page loads'), check('warning', 'login form has autocomplete=off', 'autocomplete is "on"')]),
    step(3, 'passed'),
    step(4, 'passed'),
    step(5, 'failed', [
      check('passed', 'token endpoint answers 200'),
      check('failed', 'code reuse is refused with invalid_grant', 'second use answered 200; body {"access_token":"x"}; # of uses: 2\nnext line'),
      check('failed', 'second failure is not shown'),
    ]),
    step(6, 'skipped'),
    step(7, 'skipped'),
  ]);
  const annotated = annotateDiagram(source, result);
  const parsed = parseSequenceDiagram(annotated);

  it('keeps every arrow, in order, with its status mark in front of its text', () => {
    const original = parseSequenceDiagram(source).arrows;
    expect(parsed.arrows.map((a) => [a.from, a.kind, a.to])).toEqual(original.map((a) => [a.from, a.kind, a.to]));
    const marks = ['✅', '✅', '⚠️', '✅', '✅', '❌', '⏭️', '⏭️', '⏭️'];
    expect(parsed.arrows.map((a) => a.text)).toEqual(original.map((a, i) => `${marks[i]} ${a.text}`));
  });

  it('puts each arrow in a rect band of its status colour, grouping neighbours of one status', () => {
    const bands = parsed.blocks!.filter((b) => b.kind === 'rect');
    expect(bands.map((b) => b.label)).toEqual([
      statusMarks.passed.band,
      statusMarks.warning.band,
      statusMarks.passed.band,
      statusMarks.failed.band,
      statusMarks.skipped.band,
    ]);
    // each arrow sits in the band of its own status
    for (const arrow of parsed.arrows) {
      const band = bands.find((b) => b.line < arrow.line && arrow.line < b.endLine)!;
      expect(band.label).toBe(statusMarks[arrowStatus(result, arrow.index)].band);
    }
  });

  it('notes the first failing check of a failed arrow, escaped for mermaid', () => {
    const failedArrow = parsed.arrows[5];
    const notes = parsed.notes!.filter((n) => n.text.startsWith('❌'));
    expect(notes).toHaveLength(1);
    expect(notes[0].line).toBe(failedArrow.line + 1);
    expect(notes[0].participants).toEqual([failedArrow.to]);
    expect(notes[0].text).toBe(
      '❌ code reuse is refused with invalid_grant (RFC 6749 §4.1.2)<br/>second use answered 200#59; body {"access_token":"x"}#59; #35; of uses: 2 next line',
    );
    expect(annotated).not.toContain('second failure is not shown');
    // the warning gets its warning check
    expect(parsed.notes!.find((n) => n.text.startsWith('⚠️'))?.text).toContain('login form has autocomplete=off');
  });

  it('keeps participants, notes, activations and comments as written', () => {
    const arrowLines = new Set(parseSequenceDiagram(source).arrows.map((a) => a.line));
    const kept = source.split('\n').filter((_, i) => !arrowLines.has(i + 1));
    for (const line of kept) expect(annotated.split('\n')).toContain(line);
    const consent = mmd('authorization-code-ldap-consent');
    const all = annotateDiagram(consent, flow('authorization-code-ldap-consent', 'passed', [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => step(i, 'passed'))));
    const before = parseSequenceDiagram(consent);
    const after = parseSequenceDiagram(all);
    expect(after.participants).toEqual(before.participants);
    expect(after.boxes?.map((b) => [b.label, b.color])).toEqual(before.boxes?.map((b) => [b.label, b.color]));
    expect(after.statements!.filter((s) => s.kind === 'activation').map((s) => s.text)).toEqual(before.statements!.filter((s) => s.kind === 'activation').map((s) => s.text));
  });

  it('marks every arrow of a not-applicable flow and says why', () => {
    const na = annotateDiagram(mmd('device-code'), flow('device-code', 'not-applicable', [], 'device_authorization_endpoint is not in the discovery document; see RFC 8628 §4'));
    const d = parseSequenceDiagram(na);
    expect(d.arrows.every((a) => a.text.startsWith('➖ '))).toBe(true);
    expect(d.notes![0].text).toBe('➖ not applicable<br/>device_authorization_endpoint is not in the discovery document#59; see RFC 8628 §4');
    expect(d.notes![0].line).toBeLessThan(d.arrows[0].line);
  });

  it('draws arrows without a step result as skipped, and writes ;-joined statements one per line', () => {
    const src = 'sequenceDiagram\n  A->>+B: one; B-->>-A: two\n  A-xB: three';
    const out = annotateDiagram(src, flow('x', 'passed', [step(0, 'passed'), step(1, 'passed')]));
    expect(out.split('\n')).toEqual([
      'sequenceDiagram',
      `  rect ${statusMarks.passed.band}`,
      '    A->>+B: ✅ one',
      '    B-->>-A: ✅ two',
      '  end',
      `  rect ${statusMarks.skipped.band}`,
      '    A-xB: ⏭️ three',
      '  end',
    ]);
  });

  it('nests bands inside alt/else blocks without crossing their boundaries', () => {
    const src = ['sequenceDiagram', 'alt ok', '  A->>B: a', 'else not ok', '  A->>B: b', 'end', 'A->>B: c'].join('\n');
    const out = annotateDiagram(src, flow('x', 'passed', [step(0, 'passed'), step(1, 'passed'), step(2, 'passed')]));
    const d = parseSequenceDiagram(out);
    expect(d.blocks!.map((b) => [b.kind, b.parent])).toEqual([
      ['alt', undefined],
      ['rect', 0],
      ['rect', 0],
      ['rect', undefined],
    ]);
  });
});
