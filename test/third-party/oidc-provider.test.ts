/**
 * Every suite in suites/ against a third-party IdP: node-oidc-provider 9 from npm (the
 * certified Koa OP), deployed in-process by fixtures/targets/oidc-provider/start.ts with its
 * accounts in the OpenLDAP fixture, and driven through the external-target path exactly as
 * a vendor's IdP is: discovery from the issuer, the config file fixtures/targets/oidc-provider.json
 * (clients, users, login locators, expected failures), real Chromium on its own pages.
 *
 * oidc-provider offers every flow of the catalogue, so each flow must run every arrow and pass,
 * failing only the checks its config lists as expected failures (each citing the spec it
 * departs from). Then the real CLI runs the checked-in config file as it is and must exit 0;
 * what that file cannot name (the API and the directory on free ports) must be not
 * applicable, with the reason, never a pass.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { importSuite, listSuites } from '../../harness/flow/load-suites.ts';
import type { CheckResult, FlowResult, RunResult, StepResult } from '../../harness/results/model.ts';
import { projectRoot, runFlow } from '../../harness/flow/runner.ts';
import { isBlocking } from '../../harness/results/status.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import type { Target } from '../../harness/target/model.ts';
import { startOidcProviderTarget, type OidcProviderTarget } from '../../fixtures/targets/oidc-provider/start.ts';
import { runCommand } from '../support/run-command.ts';

const suites = listSuites(join(projectRoot, 'suites'));
/** The flows oidc-provider has no built-in grant for, and the reason the run must give. */
const notOffered: Record<string, RegExp> = {
  'token-exchange': /^grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange \(RFC 8693\)$/,
};

/** Arrows of flows that run, which oidc-provider lacks the feature for: not applicable, with this reason. */
const arrowsNotOffered: Record<string, Record<string, RegExp>> = {
  // oidc-provider 9 takes Request Objects by value only: its metadata says request_uri_parameter_supported false.
  jar: { 'Authorization request by reference (client_id, request_uri)': /request_uri_parameter_supported false/ },
};

let op: OidcProviderTarget;
let target: Target;
const browser = new BrowserSession();

beforeAll(async () => {
  op = await startOidcProviderTarget();
  // The same path as `nauthera run --target <issuer> --config <file>`: discovery, then the config.
  target = await openExternalTarget({ issuer: op.issuer, config: op.config, configPath: op.configPath });
}, 60_000);

afterAll(async () => {
  await browser.close();
  await target?.close();
  await op?.stop();
});

const where = (step: StepResult, check: CheckResult) => `  arrow ${step.index + 1} "${step.text}": ${check.name} (${check.spec}): ${check.detail}`;

function blockingFailures(flow: FlowResult): string[] {
  return flow.steps.flatMap((s) => s.checks.filter(isBlocking).map((c) => where(s, c)));
}

/** The expected failures that happened, by id (by name for a config entry that names no id). */
function expectedFailuresSeen(flow: FlowResult, byName: boolean): string[] {
  return flow.steps.flatMap((s) => s.checks.filter((c) => c.expectedFailure !== undefined).map((c) => (byName ? c.name : c.id ?? c.name)));
}

describe('oidc-provider as a third-party target', () => {
  it('is discovered as an OpenID Provider with the flows it was deployed with', () => {
    expect(target.kind).toBe('external');
    expect(target.capabilities.openid).toBe(true);
    expect(target.capabilities.par).toBe(true);
    expect(target.capabilities.deviceAuthorization).toBe(true);
    expect(target.capabilities.registration).toBe(true);
    expect(target.capabilities.issParameter).toBe(true);
    expect(target.capabilities.codeChallengeMethods).toEqual(['S256']);
    expect(target.clients.map((c) => c.role).sort()).toEqual(
      ['confidential', 'device', 'device-confidential', 'hybrid', 'implicit', 'jar', 'opaque', 'par', 'public', 'service', 'service', 'service-jwt', 'service-post'],
    );
  });

  it('has suites to run', () => {
    expect(suites.length).toBeGreaterThan(0);
  });

  for (const entry of suites.filter((s) => !(s.id in notOffered))) {
    // oidc-provider offers every other flow of the catalogue: each must run every arrow and pass.
    it(`${entry.id}: every arrow runs and passes (expected failures aside)`, async () => {
      const suite = await importSuite(entry);
      expect(suite.error, `suite ${entry.id} loads`).toBeUndefined();
      const flow = await runFlow(suite.flow!, { target, browser });
      expect(blockingFailures(flow), `${entry.id}: checks that failed on oidc-provider and are not expected failures`).toEqual([]);
      expect(['passed', 'warning'], `${entry.id} status (reason: ${flow.reason ?? '-'})`).toContain(flow.status);
      // Every arrow ran: with the full config (resource server, directory) nothing is left out.
      const lacking = arrowsNotOffered[entry.id] ?? {};
      expect(flow.steps.filter((s) => s.status !== 'passed' && s.status !== 'warning' && !(s.text in lacking)).map((s) => `${s.text}: ${s.status} (${s.reason ?? ''})`), `${entry.id}: arrows that did not run`).toEqual([]);
      for (const [text, reason] of Object.entries(lacking)) {
        const step = flow.steps.find((s) => s.text === text);
        expect(step?.status, `${entry.id}: "${text}" is not applicable`).toBe('not-applicable');
        expect(step!.checks.map((c) => c.detail).join(' '), `${entry.id}: "${text}" says why`).toMatch(reason);
      }
      // A not-applicable check inside a flow that runs must say why.
      for (const step of flow.steps) {
        for (const check of step.checks) if (check.status === 'not-applicable') expect(check.detail, `check "${check.name}" says why it is not applicable`).toBeTruthy();
      }
      // Expected failures of this flow must still happen: a stale entry would hide a fix (or a regression elsewhere).
      const entries = target.expectedFailures.filter((x) => x.flow === entry.id);
      const byName = entries.some((x) => x.id === undefined);
      const listed = entries.map((x) => (byName ? x.check : x.id) ?? '');
      expect(expectedFailuresSeen(flow, byName).sort(), `${entry.id}: expected failures listed in the config vs seen`).toEqual([...new Set(listed)].sort());
    }, 300_000);
  }

  for (const [id, reason] of Object.entries(notOffered)) {
    it(`${id}: not applicable, saying why`, async () => {
      const entry = suites.find((s) => s.id === id);
      expect(entry, `suite ${id} exists`).toBeDefined();
      const suite = await importSuite(entry!);
      const flow = await runFlow(suite.flow!, { target, browser });
      expect(flow.status).toBe('not-applicable');
      expect(flow.reason).toMatch(reason);
    }, 60_000);
  }

  // Every flow already ran above with the full config; the command proves the config file alone
  // drives a run: a sign-in flow, the flows that need a resource server or a directory (not
  // applicable, naming the missing field), and a back-channel one, three at a time.
  const cliFlows = ['authorization-code', 'refresh-token', 'ldap-worker', 'client-credentials', 'discovery'];
  it(`passes \`nauthera run --target <issuer> --config fixtures/targets/oidc-provider.json --flows ${cliFlows.join(',')}\` (exit 0)`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'nauthera-op-run-'));
    try {
      const args = ['bin/nauthera.js', 'run', '--target', op.issuer, '--config', relative(projectRoot, op.configPath), '--out', out, '--flows', cliFlows.join(','), '--workers', '3'];
      const { code, stdout, stderr } = await runNode(args, 600_000);
      expect(code, `nauthera run exit code\n${stdout}\n${stderr.slice(-4000)}`).toBe(0);
      const run = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
      expect(run.target).toMatchObject({ kind: 'external', issuer: op.issuer });
      expect(run.flows.map((f) => f.id).sort()).toEqual([...cliFlows].sort());
      expect(run.flows.filter((f) => f.status === 'failed').map((f) => f.id)).toEqual([]);
      // The file alone cannot name what listens on free ports (the API, the directory): the
      // arrows that need them are not applicable, each saying which config field is missing.
      const missing = run.flows.flatMap((f) => f.steps.filter((s) => s.status === 'not-applicable').map((s) => `${f.id}: ${s.reason ?? ''}`));
      for (const line of missing) expect(line).toMatch(/\((resourceServer|ldap) in the config\)/);
      expect(missing.some((line) => line.includes('(resourceServer in the config)')), `a resource-server arrow is not applicable:\n${missing.join('\n')}`).toBe(true);
      expect(missing.some((line) => line.includes('(ldap in the config)')), `a directory arrow is not applicable:\n${missing.join('\n')}`).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});

/** Runs node with args from the project root; kills it (and reports) past the deadline. */
const runNode = (args: string[], timeoutMs: number) => runCommand(process.execPath, args, { cwd: projectRoot, env: { ...process.env, NO_COLOR: '1' }, timeoutMs });
