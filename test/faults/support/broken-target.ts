/**
 * The broken-target tests (issue 6): the suites run against a reference server started with
 * ONE deliberate fault (config.faults, reference-server/config/faults.ts), and the run must
 * fail exactly the expected (flow, arrow, check) set: that check failed, every other check of
 * every flow passed or not applicable (no other failure, no warning), the failing arrow's
 * earlier arrows passed, and its later arrows skipped (the engine skips after a failed step).
 *
 * One target (one slapd, one server) and one Chromium per fault file. Which flows run: see
 * flowsFor(); NAUTHERA_FAULTS_ALL_FLOWS=1 runs all eleven for every fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importSuite } from '../../../harness/flow/load-suites.ts';
import { projectRoot, runFlow } from '../../../harness/flow/runner.ts';
import type { FlowResult } from '../../../harness/results/model.ts';
import { BrowserSession } from '../../../harness/browser/session.ts';
import { startReferenceTarget } from '../../../harness/target/reference.ts';
import type { Target } from '../../../harness/target/model.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import type { FaultName } from '../../../reference-server/config/faults.ts';

/** The eleven flows of DESIGN.md. */
export const allFlows = [
  'authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token',
  'client-credentials', 'device-code', 'implicit', 'hybrid', 'registered-app-jwt', 'ldap-worker',
] as const;
export type FlowId = (typeof allFlows)[number];

/**
 * Flows by the server mechanism they drive. A fault can only change what a flow sees through
 * the mechanism it sits in, so each fault runs the flows that use its mechanism (a full run of
 * all eleven per fault takes about ten minutes on two cores; NAUTHERA_FAULTS_ALL_FLOWS=1 does it).
 * ldap-worker talks to the directory only, never to the authorization server.
 */
export const flowsUsing = {
  /** The browser goes to the authorization endpoint (directly, or with a pushed request). */
  authorizationEndpoint: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'implicit', 'hybrid', 'registered-app-jwt'],
  /** A code is exchanged at the token endpoint (with PKCE where the client uses it). */
  codeExchange: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'hybrid', 'registered-app-jwt'],
  /** ID tokens are minted (authorization and token endpoints, device grant). */
  idTokens: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'implicit', 'hybrid', 'registered-app-jwt', 'device-code'],
  /** Refresh tokens are issued and may be used (code and device grants). */
  refreshTokens: ['authorization-code', 'pushed-authorization', 'authorization-code-ldap-consent', 'openid-connect', 'refresh-token', 'hybrid', 'registered-app-jwt', 'device-code'],
  /** Clients authenticate with a client assertion (private_key_jwt): only the service-jwt client, used by client-credentials. */
  clientAssertions: ['client-credentials'],
} satisfies Record<string, FlowId[]>;

export interface ExpectedFailure {
  /** The check's id, `<flow>/<step key>/<check key>` (nauthera checks lists them). */
  id: string;
  /** The arrow's text, as in the diagram: the check must fail on this arrow. */
  step: string;
  /** What the failure must say: it failed for the fault's reason, not another. */
  detail: RegExp;
  /** How often the check fails in the step (a step may check several responses under one name; default 1). */
  times?: number;
}

export interface BrokenTargetPlan {
  /** The flows that use the fault's mechanism (flowsUsing). */
  flows: readonly FlowId[];
  expected: ExpectedFailure[];
}

/** A failed or warning check, as "flow › arrow › check [status]". */
function unpassed(result: FlowResult): Array<{ key: string; detail: string }> {
  return result.steps.flatMap((s) => s.checks
    .filter((c) => c.status === 'failed' || c.status === 'warning')
    .map((c) => ({ key: `${s.text} › ${c.id ?? c.name} [${c.status}]`, detail: c.detail })));
}

const flowOf = (e: ExpectedFailure) => e.id.split('/')[0] as FlowId;
const keyOf = (e: ExpectedFailure) => `${e.step} › ${e.id} [failed]`;
const keysOf = (list: ExpectedFailure[]) => list.flatMap((e) => Array<string>(e.times ?? 1).fill(keyOf(e)));

const suiteFile = (id: string) => join(projectRoot, 'suites', `${id}.suite.ts`);

export function describeBrokenTarget(fault: FaultName, plan: BrokenTargetPlan): void {
  const flows = process.env.NAUTHERA_FAULTS_ALL_FLOWS === '1' ? allFlows : plan.flows;
  for (const e of plan.expected) if (!flows.includes(flowOf(e))) throw new Error(`${fault}: expected flow ${flowOf(e)} is not in the plan's flows`);
  // A suite not written yet is a visibly skipped test, never a silent pass.
  const missing = flows.filter((id) => !existsSync(suiteFile(id)));

  describe(`reference server with fault ${fault}`, () => {
    let target: Target | undefined;
    const browser = new BrowserSession();
    const results = new Map<string, FlowResult>();

    beforeAll(async () => {
      // A one-second device polling interval keeps device-code quick; its codes keep the default lifetime.
      target = await startReferenceTarget({
        serverOptions: { config: { ...defaultConfig, deviceAuthorization: { interval: 1 } } },
        faults: { [fault]: true },
      });
    });
    afterAll(async () => {
      try {
        await browser.close();
      } finally {
        await target?.close();
      }
    });

    for (const id of flows) {
      const mine = plan.expected.filter((e) => flowOf(e) === id);
      const title = mine.length === 0 ? `${id}: every check passes` : `${id}: fails ${mine.map((e) => `${e.id} on "${e.step}"`).join(', ')} and nothing else`;
      it.skipIf(missing.includes(id))(missing.includes(id) ? `${title} (suites/${id}.suite.ts is not written yet)` : title, async () => {
        const loaded = await importSuite({ id, file: suiteFile(id) });
        expect(loaded.error, `suites/${id}.suite.ts loads`).toBeUndefined();
        const result = await runFlow(loaded.flow!, { target: target!, browser, stepTimeoutMs: 120_000 });
        results.set(id, result);
        const seen = unpassed(result);
        const report = seen.map((u) => `${u.key}: ${u.detail}`).join('\n') || 'nothing failed';
        expect(seen.map((u) => u.key), report).toEqual(keysOf(mine));
        for (const u of seen) expect(u.detail, u.key).toMatch(mine.find((e) => keyOf(e) === u.key)!.detail);
        if (mine.length === 0) {
          expect(result.status, report).toBe('passed');
          return;
        }
        expect(result.status).toBe('failed');
        // Only the expected arrows fail; every other arrow still runs (the fault takes nothing later arrows need) and passes.
        const failing = new Set(mine.map((e) => e.step));
        for (const s of result.steps) {
          if (failing.has(s.text)) expect(s.status, `${s.text} (the failing arrow)`).toBe('failed');
          else expect(s.status, `${s.text} (${s.reason ?? 'another arrow'})`).toMatch(/^(passed|not-applicable)$/);
        }
      }, 300_000);
    }

    it.skipIf(missing.length > 0)(`fails exactly ${keysOf(plan.expected).length} check(s) across ${flows.length} flows, nothing else`, () => {
      expect([...results.keys()].sort(), 'every flow ran').toEqual([...flows].sort());
      const all = [...results.values()].flatMap((r) => unpassed(r).map((u) => u.key));
      expect(all.sort()).toEqual(keysOf(plan.expected).sort());
    });
  });
}
