/** Runs loaded suites against one target, one flow after another, into a RunResult. */
import type { RunResult, FlowResult } from './model.ts';
import type { LoadedSuite } from './load-suites.ts';
import { brokenFlowResult, runFlow, type RunEnvironment } from './runner.ts';

export async function runSuites(suites: LoadedSuite[], env: RunEnvironment): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const flows: FlowResult[] = [];
  for (const suite of suites) {
    if (!suite.flow) {
      const result = brokenFlowResult(suite.id, suite.error ?? 'the suite did not load');
      env.progress?.flowStart?.(result);
      env.progress?.flowEnd?.(result);
      flows.push(result);
      continue;
    }
    flows.push(await runFlow(suite.flow, env));
  }
  const { target } = env;
  return {
    version: 1,
    target: { kind: target.kind, issuer: target.issuer, ...(target.configPath ? { config: target.configPath } : {}) },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    flows,
  };
}
