/**
 * Runs loaded suites against one target into a RunResult. Flows wait mostly on the
 * browser and the IdP, not on this process, so `workers` of them may run at once, each in
 * its own browser context and with its own state; results keep the suites' order.
 */
import type { RunResult, FlowResult, RunTarget } from '../results/model.ts';
import type { Target } from '../target/model.ts';
import type { LoadedSuite } from './load-suites.ts';
import { brokenFlowResult, runFlow, type RunEnvironment } from './runner.ts';

export interface RunSuitesOptions {
  /** How many flows run at once (default 1: one after another). */
  workers?: number;
}

async function runSuite(suite: LoadedSuite, env: RunEnvironment): Promise<FlowResult> {
  if (!suite.flow) {
    const result = brokenFlowResult(suite.id, suite.error ?? 'the suite did not load');
    env.progress?.flowStart?.(result);
    env.progress?.flowEnd?.(result);
    return result;
  }
  return runFlow(suite.flow, env);
}

/** What results.json says of the target: which, from which config, and what the config changed of its discovery. */
export function runTarget(target: Target): RunTarget {
  const overrides = target.metadataOverrides ?? {};
  return {
    kind: target.kind,
    issuer: target.issuer,
    ...(target.configPath ? { config: target.configPath } : {}),
    ...(Object.keys(overrides).length > 0 ? { metadataOverrides: overrides } : {}),
  };
}

export async function runSuites(suites: LoadedSuite[], env: RunEnvironment, options: RunSuitesOptions = {}): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const flows: FlowResult[] = new Array(suites.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < suites.length; i = next++) flows[i] = await runSuite(suites[i], env);
  };
  const workers = Math.max(1, Math.min(options.workers ?? 1, suites.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return {
    version: 1,
    target: runTarget(env.target),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    flows,
  };
}
