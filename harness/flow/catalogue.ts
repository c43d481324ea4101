/**
 * The check catalogue: every check a suite can run, declared once on its step, with a
 * stable id `<flow>/<step key>/<check key>` (the OpenID Foundation suite's conditions have
 * such identities). `nauthera checks` lists it; results, JUnit and the report carry the id;
 * expected failures match it.
 */
import type { CheckDeclaration, FlowDefinition, StepDefinition } from './define.ts';
import { slug, stepKey } from './define.ts';

export interface CatalogueEntry {
  id: string;
  flow: string;
  name: string;
  spec: string;
  severity: 'failure' | 'warning';
  /** The step (1-based, in suite order) and the arrow it is bound to. */
  step: { number: number; key: string; from: string; to: string; text: string };
}

/** The id of check `key` declared on `step` of `flowId`. */
export function checkId(flowId: string, step: { text: string; options: { key?: string } }, key: string): string {
  return `${flowId}/${stepKey(step)}/${key}`;
}

/** The key of a check given inline ({ name, spec }) rather than declared: its name, slugged. */
export function inlineCheckKey(name: string): string {
  return slug(name, 10);
}

/** Fills `{placeholder}`s of a declared name with a call's args. */
export function renderCheckName(name: string, args: Record<string, string | number> = {}): string {
  return name.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, key: string) => (args[key] !== undefined ? String(args[key]) : whole));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function flowCatalogue(flow: FlowDefinition<any>): CatalogueEntry[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return flow.steps.flatMap((s: StepDefinition<any>, k: number) =>
    Object.entries<CheckDeclaration>(s.options.checks ?? {}).map(([key, d]) => ({
      id: checkId(flow.id, s, key),
      flow: flow.id,
      name: d.name,
      spec: d.spec,
      severity: d.severity ?? 'failure',
      step: { number: k + 1, key: stepKey(s), from: s.from, to: s.to, text: s.text },
    })));
}

/** Problems of a flow's catalogue: two steps with one key (their checks' ids would collide). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function catalogueProblems(flow: FlowDefinition<any>): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  flow.steps.forEach((s, k) => {
    const key = stepKey(s);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`steps ${first + 1} and ${k + 1} of ${flow.id} share the key "${key}"`);
    else seen.set(key, k);
  });
  return problems;
}
