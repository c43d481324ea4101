/**
 * Runs the fault catalogue fast: faults whose checks cannot interact share one broken
 * reference server and one run of the union of their flows, which must fail exactly the
 * union of their expected checks and nothing else. Each fault is then caught or not on its
 * own evidence (its checks, on its arrows, for its reason).
 */
import { join } from 'node:path';
import { BrowserSession } from '../../../harness/browser/session.ts';
import { importSuite } from '../../../harness/flow/load-suites.ts';
import { projectRoot } from '../../../harness/flow/runner.ts';
import { runSuites } from '../../../harness/flow/run-suites.ts';
import type { FlowResult } from '../../../harness/results/model.ts';
import { startReferenceTarget } from '../../../harness/target/reference.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { allFlows, flowOf, keyOf, keysOf, type FaultProof, type FlowId } from './catalogue.ts';

export interface FaultBatch {
  proofs: FaultProof[];
  /** The union of the proofs' flows, in catalogue order. */
  flows: FlowId[];
}

/** A check that did not pass: "arrow › id [status]" and its detail. */
export interface Unpassed {
  flow: string;
  step: string;
  key: string;
  detail: string;
}

export interface BatchOutcome {
  batch: FaultBatch;
  results: FlowResult[];
  unpassed: Unpassed[];
}

export interface FaultVerdict {
  fault: FaultProof['fault'];
  /** Each expected check: whether it failed as often as expected, on its arrow, with a matching detail. */
  expected: Array<{ id: string; step: string; caught: boolean; seen: string[] }>;
  caught: boolean;
}

const arrowKey = (flow: string, step: string) => `${flow} › ${step}`;

function flowsOf(proof: FaultProof): readonly FlowId[] {
  return process.env.NAUTHERA_FAULTS_ALL_FLOWS === '1' ? allFlows : proof.flows;
}

/**
 * Relative run time of each flow on the reference (seconds, as test/suites measures them on a
 * loaded CI machine): only their proportions matter. A flow not listed counts as 10.
 */
const flowSeconds: Partial<Record<FlowId, number>> = {
  'authorization-code-ldap-consent': 52, 'openid-connect': 38, 'device-code': 33, hybrid: 32, 'refresh-token': 20,
  implicit: 20, 'pushed-authorization': 19, 'authorization-code': 12, 'registered-app-jwt': 8, 'client-credentials': 3,
  'ldap-worker': 2, discovery: 1, 'token-exchange': 20, 'protected-resource': 8, dpop: 8, logout: 12, jar: 8,
};
/** A batch's own cost: a reference server, its directory and a browser to start and stop. */
const batchStartSeconds = 6;
const workers = () => Number(process.env.NAUTHERA_FAULTS_WORKERS ?? 3);
const secondsOf = (flow: FlowId) => flowSeconds[flow] ?? 10;

/** About how long one run of these flows takes, `workers` at a time: the longest flow, or the total shared out. */
export function runSeconds(flows: Iterable<FlowId>): number {
  const times = [...flows].map(secondsOf);
  if (times.length === 0) return 0;
  return batchStartSeconds + Math.max(Math.max(...times), times.reduce((a, b) => a + b, 0) / workers());
}

/** The flows a proof stops: those of its expected failures when it is marked `stops`, else none. */
const stoppedFlows = (p: FaultProof): FlowId[] => (p.stops ? p.expected.map(flowOf) : []);

/** Whether `a` stops a flow in which `b` expects a check: the arrows after a's failure are skipped, b's check among them maybe. */
function hides(a: FaultProof, b: FaultProof): boolean {
  const stopped = new Set(stoppedFlows(a));
  return b.expected.some((e) => stopped.has(flowOf(e)));
}

/**
 * Batches of at most `size`, planned for time: two faults share a batch only when they expect no
 * check in common (expected checks are soft, so one fault's failure never hides another's check,
 * and each failure must carry its own fault's detail), and a fault that stops a flow never shares
 * a batch with one that expects a check in that flow. A fault marked `alone` gets a batch of its
 * own; `NAUTHERA_FAULTS_ALONE=1` gives every fault one. The faults with the costliest flows are
 * placed first; each then joins the batch whose run it lengthens least, or starts a new one when
 * that is cheaper, so the faults of one mechanism share the runs of their flows and a fault of
 * the token endpoint alone never pulls the browser flows into a batch of its own.
 */
export function planBatches(proofs: FaultProof[], size = Number(process.env.NAUTHERA_FAULTS_BATCH ?? 12)): FaultBatch[] {
  const alone = process.env.NAUTHERA_FAULTS_ALONE === '1';
  const batches: Array<{ proofs: FaultProof[]; checks: Set<string>; flows: Set<FlowId> }> = [];
  const flowSet = (p: FaultProof) => [...flowsOf(p)].sort().join(',');
  const ordered = [...proofs].sort((a, b) => runSeconds(flowsOf(b)) - runSeconds(flowsOf(a)) || flowSet(a).localeCompare(flowSet(b)) || a.fault.localeCompare(b.fault));
  for (const proof of ordered) {
    for (const e of proof.expected) if (!flowsOf(proof).includes(flowOf(e))) throw new Error(`${proof.fault}: expected flow ${flowOf(e)} is not in the proof's flows`);
    const checks = new Set(proof.expected.map((e) => e.id));
    const fits = (b: (typeof batches)[number]) => b.proofs.length < size && !b.proofs.some((p) => p.alone || (proof.group !== undefined && p.group === proof.group) || hides(p, proof) || hides(proof, p))
      && ![...checks].some((id) => b.checks.has(id));
    const added = (b: (typeof batches)[number]) => runSeconds(new Set([...b.flows, ...flowsOf(proof)])) - runSeconds(b.flows);
    let home: (typeof batches)[number] | undefined;
    if (!alone && !proof.alone) {
      for (const b of batches.filter(fits)) if (!home || added(b) < added(home)) home = b;
      if (home && added(home) > runSeconds(flowsOf(proof))) home = undefined;
    }
    if (home) {
      home.proofs.push(proof);
      for (const id of checks) home.checks.add(id);
      for (const flow of flowsOf(proof)) home.flows.add(flow);
    } else {
      batches.push({ proofs: [proof], checks, flows: new Set(flowsOf(proof)) });
    }
  }
  return batches.map((b) => ({ proofs: b.proofs, flows: allFlows.filter((id) => b.flows.has(id)) }));
}

/** The proofs named in NAUTHERA_FAULTS (comma-separated), or all of them. */
export function selectProofs(proofs: FaultProof[], names = process.env.NAUTHERA_FAULTS): FaultProof[] {
  if (!names?.trim()) return proofs;
  const wanted = names.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !proofs.some((p) => p.fault === n));
  if (unknown.length > 0) throw new Error(`NAUTHERA_FAULTS names no proof for ${unknown.join(', ')} (known: ${proofs.map((p) => p.fault).join(', ')})`);
  return proofs.filter((p) => wanted.includes(p.fault));
}

function unpassedOf(result: FlowResult): Unpassed[] {
  return result.steps.flatMap((s) => s.checks
    .filter((c) => c.status === 'failed' || c.status === 'warning')
    .map((c) => ({ flow: result.id, step: s.text, key: `${s.text} › ${c.id ?? c.name} [${c.status}]`, detail: c.detail })));
}

/** Starts a reference server with the batch's faults on and runs the batch's flows, `workers` at a time. */
export async function runBatch(batch: FaultBatch, options: { workers?: number } = {}): Promise<BatchOutcome> {
  // A one-second device polling interval keeps device-code quick; its codes keep the default lifetime.
  const target = await startReferenceTarget({
    serverOptions: { config: { ...defaultConfig, deviceAuthorization: { interval: 1 } } },
    faults: Object.fromEntries(batch.proofs.map((p) => [p.fault, true])),
  });
  const browser = new BrowserSession();
  try {
    // The longest flows start first, so the last worker is not left with one long flow.
    const longestFirst = [...batch.flows].sort((a, b) => secondsOf(b) - secondsOf(a));
    const suites = await Promise.all(longestFirst.map((id) => importSuite({ id, file: join(projectRoot, 'suites', `${id}.suite.ts`) })));
    const run = await runSuites(suites, { target, browser, stepTimeoutMs: 120_000 }, { workers: options.workers ?? workers() });
    return { batch, results: run.flows, unpassed: run.flows.flatMap(unpassedOf) };
  } finally {
    try {
      await browser.close();
    } finally {
      await target.close();
    }
  }
}

/** Whether each of a fault's expected checks failed on its arrow, as often as expected, for its reason. */
export function verdictOf(proof: FaultProof, outcome: BatchOutcome): FaultVerdict {
  const expected = proof.expected.map((e) => {
    const seen = outcome.unpassed.filter((u) => u.flow === flowOf(e) && u.key === keyOf(e));
    const caught = seen.length === (e.times ?? 1) && seen.every((u) => e.detail.test(u.detail));
    return { id: e.id, step: e.step, caught, seen: seen.map((u) => u.detail) };
  });
  return { fault: proof.fault, expected, caught: expected.every((e) => e.caught) };
}

/** What failed (or warned) in the batch's run that no fault of the batch expects. */
export function unexpectedOf(outcome: BatchOutcome): Unpassed[] {
  const budget = new Map<string, number>();
  for (const key of outcome.batch.proofs.flatMap((p) => keysOf(p.expected))) budget.set(key, (budget.get(key) ?? 0) + 1);
  return outcome.unpassed.filter((u) => {
    const left = budget.get(u.key) ?? 0;
    if (left === 0) return true;
    budget.set(u.key, left - 1);
    return false;
  });
}

/** Arrows that did not pass or were skipped although no expected check is on them. */
export function disturbedArrows(outcome: BatchOutcome): string[] {
  const failing = new Set(outcome.batch.proofs.flatMap((p) => p.expected.map((e) => arrowKey(flowOf(e), e.step))));
  // A proof that stops its flow: the arrows after its failure are skipped, and may be.
  const stopped = new Set<string>(outcome.batch.proofs.flatMap(stoppedFlows));
  return outcome.results.flatMap((r) => r.steps
    .filter((s) => !(stopped.has(r.id as FlowId) && s.status === 'skipped'))
    .filter((s) => !failing.has(arrowKey(r.id, s.text)) && !['passed', 'not-applicable'].includes(s.status))
    .map((s) => `${arrowKey(r.id, s.text)}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`));
}
