/**
 * Binds a suite's steps to its diagram's arrows, in order. The diagram is the spec of
 * its suite (docs/design.md): an arrow with no step, or a step with no arrow, is an error
 * of the suite itself, named with its arrow number and source line.
 */
import type { Arrow, SequenceDiagram } from '../diagram/model.ts';
import type { StepDefinition } from './define.ts';

export interface Binding {
  /** Index into the flow's steps. */
  step: number;
  arrow: Arrow;
}

export interface BindingResult {
  bindings: Binding[];
  /** Arrows no step binds. */
  unboundArrows: Arrow[];
  /** Indexes of steps that match no arrow. */
  unboundSteps: number[];
  /** One message per problem, naming the arrow (number and line) or the step. */
  errors: string[];
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

export function describeArrow(arrow: Arrow): string {
  return `arrow ${arrow.index + 1} (line ${arrow.line}) "${arrow.from} ${arrow.kind} ${arrow.to}: ${arrow.text}"`;
}

export function describeStep(step: StepDefinition<never> | StepDefinition, index: number): string {
  return `step ${index + 1} "${step.from} -> ${step.to}: ${step.text}"`;
}

export function participantMatcher(diagram: SequenceDiagram): (name: string, id: string) => boolean {
  const labels = new Map(diagram.participants.map((p) => [p.id, p.label]));
  return (name, id) => norm(name) === norm(id) || norm(name) === norm(labels.get(id) ?? id);
}

export function arrowMatches(diagram: SequenceDiagram, arrow: Arrow, step: { from: string; to: string; text: string }): boolean {
  const same = participantMatcher(diagram);
  const text = norm(step.text);
  return same(step.from, arrow.from) && same(step.to, arrow.to) && (text === norm(arrow.text) || (arrow.plainText !== undefined && text === norm(arrow.plainText)));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bindSteps(diagram: SequenceDiagram, steps: StepDefinition<any>[], diagramPath = 'the diagram'): BindingResult {
  const bindings: Binding[] = [];
  const bound = new Set<number>();
  const unboundSteps: number[] = [];
  let cursor = 0;
  steps.forEach((s, k) => {
    for (let j = cursor; j < diagram.arrows.length; j++) {
      if (arrowMatches(diagram, diagram.arrows[j], s)) {
        bindings.push({ step: k, arrow: diagram.arrows[j] });
        bound.add(j);
        cursor = j + 1;
        return;
      }
    }
    unboundSteps.push(k);
  });
  const unboundArrows = diagram.arrows.filter((a) => !bound.has(a.index));
  const errors: string[] = [];
  for (const arrow of unboundArrows) errors.push(`${describeArrow(arrow)} of ${diagramPath} has no step`);
  for (const k of unboundSteps) {
    const s = steps[k];
    const earlier = diagram.arrows.find((a) => arrowMatches(diagram, a, s));
    const sameText = diagram.arrows.find((a) => norm(a.text) === norm(s.text) || norm(a.plainText ?? '') === norm(s.text));
    const hint = earlier
      ? ` (it matches ${describeArrow(earlier)}, which comes before the previous step's arrow: steps must follow the arrows' order)`
      : sameText
        ? ` (did you mean ${describeArrow(sameText)}?)`
        : '';
    errors.push(`${describeStep(s, k)} matches no arrow of ${diagramPath}${hint}`);
  }
  return { bindings, unboundArrows, unboundSteps, errors };
}
