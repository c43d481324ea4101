/**
 * Draws a flow's results onto its diagram source: each arrow gets its status's emoji in its label and
 * sits in a `rect` band of its status colour (bands render on any git host; both come from
 * harness/results/marks.ts), a failed or warned arrow gets a Note with its first failing check, and a not-applicable flow says why. The rest of
 * the source (participants, boxes, notes, activations, comments) is kept as written.
 */
import type { CheckResult, FlowResult, Status } from '../results/model.ts';
import { statusMarks } from '../results/marks.ts';
import { arrowMessageColon, parseSequenceDiagram } from './parse.ts';
import type { SequenceDiagram, Statement } from './model.ts';
import { escapeMermaidText } from './text.ts';

/** The status an arrow is drawn with: its step's, or the flow's when the flow is not applicable. */
export function arrowStatus(flow: FlowResult, index: number): Status {
  if (flow.status === 'not-applicable') return 'not-applicable';
  // An arrow without a step result was never reached (or never bound): drawn as skipped.
  return flow.steps.find((s) => s.index === index)?.status ?? 'skipped';
}

const limits = { name: 70, detail: 110, reason: 120 };

export function annotateDiagram(source: string, flow: FlowResult): string {
  const diagram = parseSequenceDiagram(source, flow.diagram);
  const statements = diagram.statements ?? [];
  const lines = source.split(/\r?\n/);
  const byLine = new Map<number, Statement[]>();
  for (const s of statements) byLine.set(s.line, [...(byLine.get(s.line) ?? []), s]);

  const out: string[] = [];
  /** The open band: its status and the indentation of its `rect`/`end` lines. */
  let band: { status: Status; indent: string } | undefined;
  /** Lines seen since the band's last arrow; they join the band only if the next arrow shares it. */
  let pending: string[] = [];
  let naNoteDone = flow.status !== 'not-applicable';

  const closeBand = () => {
    if (band) out.push(`${band.indent}end`);
    band = undefined;
    out.push(...pending);
    pending = [];
  };

  const emitArrow = (statement: Statement, indent: string) => {
    const arrow = diagram.arrows[statement.arrow!];
    const status = arrowStatus(flow, arrow.index);
    const style = statusMarks[status];
    if (!naNoteDone) {
      closeBand();
      out.push(`${indent}${notApplicableNote(diagram, flow)}`);
      naNoteDone = true;
    }
    if (band && band.status === status) {
      out.push(...pending);
      pending = [];
    } else {
      closeBand();
      band = { status, indent };
      out.push(`${indent}rect ${style.band}`);
    }
    out.push(`${indent}  ${markArrow(statement.text, style.emoji)}`);
    const note = checkNote(flow, arrow.index, arrow.to);
    if (note) out.push(`${indent}  ${note}`);
  };

  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const lineNo = n + 1;
    const indent = /^\s*/.exec(raw)![0];
    const here = byLine.get(lineNo) ?? [];
    const hasArrow = here.some((s) => s.kind === 'arrow');

    if (!hasArrow) {
      const keepsBand = here.every((s) => s.kind === 'note' || s.kind === 'activation' || s.kind === 'comment');
      if (band && keepsBand) pending.push(raw);
      else {
        if (band) closeBand();
        out.push(raw);
      }
      continue;
    }
    // A line with several `;`-separated statements is written one statement per line.
    for (const s of here) {
      if (s.kind === 'arrow') emitArrow(s, indent);
      else if (band && (s.kind === 'note' || s.kind === 'activation')) pending.push(`${indent}${s.text}`);
      else {
        closeBand();
        out.push(`${indent}${s.text}`);
      }
    }
  }
  closeBand();
  if (!naNoteDone) out.push(`    ${notApplicableNote(diagram, flow)}`);
  return out.join('\n');
}

/** `A->>B: text` → `A->>B: ✅ text` (the mark goes after the first colon, before the text). */
function markArrow(statement: string, mark: string): string {
  const colon = arrowMessageColon(statement);
  const head = statement.slice(0, colon + 1);
  const text = statement.slice(colon + 1).trim();
  return `${head} ${mark}${text ? ` ${text}` : ''}`;
}

function checkNote(flow: FlowResult, index: number, to: string): string | undefined {
  const status = arrowStatus(flow, index);
  if (status !== 'failed' && status !== 'warning') return undefined;
  const step = flow.steps.find((s) => s.index === index);
  const check: CheckResult | undefined =
    step?.checks.find((c) => c.status === status) ?? step?.checks.find((c) => c.status === 'failed' || c.status === 'warning');
  const head = check ? `${check.name}${check.spec ? ` (${check.spec})` : ''}` : `step ${status}`;
  const detail = check?.detail || step?.reason || '';
  const text = escapeMermaidText(shorten(head, limits.name)) + (detail ? `<br/>${escapeMermaidText(shorten(oneLine(detail), limits.detail))}` : '');
  // Over one participant: mermaid sizes a one-participant note to its text, but a note over two
  // only to the distance between them, so a long check would spill out of it.
  return `Note over ${to}: ${statusMarks[status].emoji} ${text}`;
}

function notApplicableNote(diagram: SequenceDiagram, flow: FlowResult): string {
  const reason = flow.reason ? shorten(oneLine(flow.reason), limits.reason) : 'the target does not offer this flow';
  const first = diagram.participants[0];
  if (!first) return `%% not applicable: ${oneLine(reason)}`;
  return `Note over ${first.id}: ${statusMarks['not-applicable'].emoji} not applicable<br/>${escapeMermaidText(reason)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
