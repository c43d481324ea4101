/**
 * Every departure in one run: a reference server broken three independent ways at once
 * (no iss in authorization responses, reusable codes, PKCE verifiers not compared) fails
 * exactly those three checks of authorization-code, each on its own arrow, in a single run.
 * A flow used to stop at its first failed arrow, hiding the rest behind it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { importSuite } from '../../harness/flow/load-suites.ts';
import { projectRoot, runFlow } from '../../harness/flow/runner.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import type { Target } from '../../harness/target/model.ts';

let target: Target;
const browser = new BrowserSession();

beforeAll(async () => {
  target = await startReferenceTarget({ faults: { omitIss: true, reusableCodes: true, ignorePkce: true } });
});
afterAll(async () => {
  try {
    await browser.close();
  } finally {
    await target?.close();
  }
});

describe('three independent departures of one flow', () => {
  it('are all reported by one run of authorization-code, and nothing else fails', async () => {
    const loaded = await importSuite({ id: 'authorization-code', file: join(projectRoot, 'suites', 'authorization-code.suite.ts') });
    const result = await runFlow(loaded.flow!, { target, browser, stepTimeoutMs: 120_000 });
    const failed = result.steps.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => `${s.text} › ${c.id}`));
    expect(failed.sort()).toEqual([
      'Exchanges Authorization Code for Access Token › authorization-code/token/code-reuse-refused',
      'Exchanges Authorization Code for Access Token › authorization-code/token/wrong-code-verifier-refused',
      'Provides Authorization Code › authorization-code/authorization-response/authorization-response-carries-iss-rfc-9207',
      // Error responses are authorization responses too (RFC 9207 §2): they lose iss as well.
      'Redirects user to Authorization Server › authorization-code/authorize/error-responses-carry-iss',
    ]);
    // Every arrow ran: none was skipped behind the first failure.
    expect(result.steps.filter((s) => s.status === 'skipped').map((s) => s.text)).toEqual([]);
    expect(result.reason).toMatch(/^3 steps failed; first: step 2 "Redirects user to Authorization Server"/);
  }, 300_000);
});
