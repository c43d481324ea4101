/**
 * Every suite in suites/ against a second, independent third-party IdP: Django OAuth Toolkit
 * 1.7 from Debian (python3-django-oauth-toolkit, Django 3.2, django-auth-ldap 4.1), deployed by
 * fixtures/targets/django-oauth-toolkit/start.ts as a private Python process on loopback with
 * its users in the OpenLDAP fixture, and driven through the external-target path exactly as a
 * vendor's IdP is: discovery from the issuer, the config file
 * fixtures/targets/django-oauth-toolkit.json, real Chromium on DOT's own pages.
 *
 * DOT 1.7's discovery document leaves out revocation, introspection, scopes, grant types and
 * PKCE methods; the config declares them (`metadata`), so the target reports them as overrides.
 *
 * Per flow:
 *   - the flows DOT 1.7 lacks (PAR, device grant, dynamic registration) are not applicable,
 *     with the reason naming what its discovery document lacks;
 *   - every other flow has no blocking failure but the config's expected failures (each citing
 *     the spec DOT departs from), and every expected failure listed still happens;
 *   - the verdict of every arrow and check (flow / arrow / check name → status) equals the one
 *     kept in django-oauth-toolkit.verdicts.json beside this file, so any changed verdict, a fix
 *     or a regression in a suite or in DOT, fails CI. After a deliberate change, regenerate it:
 *
 *       NAUTHERA_UPDATE_VERDICTS=1 npx vitest run test/third-party/django-oauth-toolkit.test.ts
 *
 *     and review the diff of the JSON file before committing it.
 *
 * Needs Debian's python3-django-oauth-toolkit, python3-django and python3-django-auth-ldap
 * (.ci/run installs them). The Python process and slapd are stopped by PID in afterAll.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { importSuite, listSuites } from '../../harness/flow/load-suites.ts';
import type { CheckResult, FlowResult, StepResult } from '../../harness/results/model.ts';
import { projectRoot, runFlow } from '../../harness/flow/runner.ts';
import { isBlocking } from '../../harness/results/status.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import type { Target } from '../../harness/target/model.ts';
import { startDjangoOAuthToolkitTarget, type DjangoOAuthToolkitTarget } from '../../fixtures/targets/django-oauth-toolkit/start.ts';

const here = dirname(fileURLToPath(import.meta.url));
const verdictsPath = join(here, 'django-oauth-toolkit.verdicts.json');
const updateVerdicts = process.env.NAUTHERA_UPDATE_VERDICTS === '1';
const suites = listSuites(join(projectRoot, 'suites'));

/** What DOT 1.7 does not offer, and the reason the flow must give (from its discovery document). */
const lacking: Record<string, RegExp> = {
  'pushed-authorization': /pushed_authorization_request_endpoint/,
  'device-code': /device_authorization_endpoint/,
  'registered-app-jwt': /registration_endpoint/,
  'token-exchange': /grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange/,
  dpop: /dpop_signing_alg_values_supported/,
  logout: /end_session_endpoint/,
  jar: /request_parameter_supported/,
};

/**
 * Checks nauthera fails on DOT although DOT follows the spec: the harness's fault, reported to
 * its authors, not an expected failure of the IdP. Each must still fail (so the entry goes when
 * the check is fixed); the verdicts file records them like any other verdict.
 */
const harnessFalseFailures: Array<{ id: string; why: string }> = [];

let dot: DjangoOAuthToolkitTarget;
let target: Target;
const browser = new BrowserSession();
const seen: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  dot = await startDjangoOAuthToolkitTarget();
  // The same path as `nauthera run --target <issuer> --config <file>`: discovery, then the config.
  target = await openExternalTarget({ issuer: dot.issuer, config: dot.config, configPath: dot.configPath });
}, 60_000);

afterAll(async () => {
  await browser.close();
  await target?.close();
  const pid = dot?.pid;
  await dot?.stop();
  if (pid !== undefined) expect(alive(pid), `the DOT process ${pid} is gone after stop()`).toBe(false);
  if (updateVerdicts && Object.keys(seen).length > 0) {
    // Flows left out of this run (vitest -t) keep their recorded verdicts.
    const flows = { ...readVerdicts()?.flows, ...seen };
    const sorted = Object.fromEntries(Object.keys(flows).sort().map((k) => [k, flows[k]]));
    writeFileSync(verdictsPath, `${JSON.stringify({
      $comment: 'The verdict of every arrow and check of every suite on Django OAuth Toolkit 1.7 (test/third-party/django-oauth-toolkit.test.ts). Keys: "<arrow number>. <arrow text>" for an arrow, "<arrow number>. <arrow text> / <check name>" for a check. Regenerate with NAUTHERA_UPDATE_VERDICTS=1 npx vitest run test/third-party/django-oauth-toolkit.test.ts and review the diff.',
      target: dot?.versions,
      flows: sorted,
    }, null, 2)}\n`);
  }
}, 30_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readVerdicts(): { flows: Record<string, Record<string, string>> } | undefined {
  return existsSync(verdictsPath) ? (JSON.parse(readFileSync(verdictsPath, 'utf8')) as { flows: Record<string, Record<string, string>> }) : undefined;
}

/** A check's verdict: its status, an expected failure told apart. */
const verdictOf = (check: CheckResult) => (check.expectedFailure !== undefined ? 'failed (expected)' : check.status);

/** flow → { "<n>. <arrow>": status, "<n>. <arrow> / <check>": verdict }; a check name twice on an arrow gets " #2". */
function verdicts(flow: FlowResult): Record<string, string> {
  const out: Record<string, string> = { '(flow)': flow.status };
  for (const step of flow.steps) {
    const arrow = `${step.index + 1}. ${step.text}`;
    out[arrow] = step.status;
    const count = new Map<string, number>();
    for (const check of step.checks) {
      const n = (count.get(check.name) ?? 0) + 1;
      count.set(check.name, n);
      out[`${arrow} / ${check.name}${n > 1 ? ` #${n}` : ''}`] = verdictOf(check);
    }
  }
  return out;
}

const where = (step: StepResult, check: CheckResult) => `  arrow ${step.index + 1} "${step.text}": ${check.name} (${check.spec}): ${check.detail}`;

function blockingFailures(flow: FlowResult): string[] {
  const tolerated = new Set(harnessFalseFailures.map((x) => x.id));
  return flow.steps.flatMap((s) => s.checks.filter((c) => isBlocking(c) && !tolerated.has(c.id ?? '')).map((c) => where(s, c)));
}

describe('Django OAuth Toolkit 1.7 (Debian) as a third-party target', () => {
  it('is discovered at <issuer>/.well-known/openid-configuration with the clients of its config', () => {
    expect(target.kind).toBe('external');
    expect(target.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/o$/);
    expect(target.discoveryUrl).toBe(`${dot.issuer}/.well-known/openid-configuration`);
    expect(target.capabilities.openid).toBe(true);
    expect(target.capabilities.par).toBe(false);
    expect(target.capabilities.deviceAuthorization).toBe(false);
    expect(target.capabilities.registration).toBe(false);
    expect(target.capabilities.userinfo).toBe(true);
    expect(target.capabilities.revocation).toBe(true);
    expect(target.capabilities.introspection).toBe(true);
    expect(target.capabilities.codeChallengeMethods).toContain('S256');
    // DOT 1.7's discovery document lists none of these: the config declares them (metadata), and the target says so.
    expect(Object.keys(target.metadataOverrides).sort()).toEqual(['code_challenge_methods_supported', 'grant_types_supported', 'introspection_endpoint', 'revocation_endpoint', 'scopes_supported']);
    for (const [key, override] of Object.entries(target.metadataOverrides)) expect(override.discovered, `${key} in DOT's own discovery document`).toBe(null);
    expect(target.clients.map((c) => c.role).sort()).toEqual(['confidential', 'hybrid', 'implicit', 'opaque', 'public', 'service', 'service-post']);
    expect(dot.versions['django-oauth-toolkit']).toBe('1.7.0');
  });

  it('has a verdicts file to compare with (NAUTHERA_UPDATE_VERDICTS=1 writes it)', () => {
    if (!updateVerdicts) expect(existsSync(verdictsPath), `${verdictsPath} exists`).toBe(true);
  });

  for (const entry of suites) {
    it(`${entry.id}: ${entry.id in lacking ? 'not applicable: DOT 1.7 lacks it' : 'no failures but the expected ones'}, verdicts as recorded`, async () => {
      const suite = await importSuite(entry);
      expect(suite.error, `suite ${entry.id} loads`).toBeUndefined();
      const flow = await runFlow(suite.flow!, { target, browser });
      seen[entry.id] = verdicts(flow);

      if (entry.id in lacking) {
        expect(flow.status, `${entry.id} status (reason: ${flow.reason ?? '-'})`).toBe('not-applicable');
        expect(flow.steps.map((s) => s.reason ?? '').join(' | ')).toMatch(lacking[entry.id]!);
      } else {
        expect(blockingFailures(flow), `${entry.id}: checks that failed on DOT and are neither expected failures nor known harness faults`).toEqual([]);
        // A known harness fault fails its flow; with none, the flow passes (with warnings at most).
        const harnessFault = flow.steps.some((s) => s.checks.some((c) => isBlocking(c) && harnessFalseFailures.some((x) => x.id === c.id)));
        expect(harnessFault ? ['failed'] : ['passed', 'warning'], `${entry.id} status (reason: ${flow.reason ?? '-'})`).toContain(flow.status);
        // Expected failures of this flow must still happen: a stale entry would hide a fix (or a regression elsewhere).
        const checks = flow.steps.flatMap((s) => s.checks);
        for (const listed of target.expectedFailures.filter((x) => x.flow === entry.id)) {
          const hit = checks.some((c) => c.expectedFailure !== undefined && (listed.id !== undefined ? c.id === listed.id : c.name === listed.check));
          expect(hit, `${entry.id}: the expected failure ${listed.id ?? listed.check} still happens (remove it from the config once DOT passes)`).toBe(true);
        }
        for (const known of harnessFalseFailures.filter((x) => x.id.startsWith(`${entry.id}/`))) {
          expect(checks.some((c) => c.id === known.id && c.status === 'failed'), `known harness fault ${known.id} still fails (remove it from harnessFalseFailures once fixed): ${known.why}`).toBe(true);
        }
      }
      // A not-applicable check inside a flow that runs must say why.
      for (const step of flow.steps) {
        for (const check of step.checks) if (check.status === 'not-applicable') expect(check.detail, `check "${check.name}" says why it is not applicable`).toBeTruthy();
      }

      if (!updateVerdicts) {
        const recorded = readVerdicts()?.flows[entry.id];
        expect(verdicts(flow), `${entry.id}: verdicts differ from ${verdictsPath} (regenerate with NAUTHERA_UPDATE_VERDICTS=1 after a deliberate change)`).toEqual(recorded);
      }
    }, 300_000);
  }
});
