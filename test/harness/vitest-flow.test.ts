/**
 * vitestFlow(): the tiny suite on vitest, one test per step, against the loopback IdP.
 * (FlowExecution, which it drives, has its failure paths tested in engine.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowResult } from '../../harness/results/model.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import tiny from './fixtures/suites/tiny.suite.ts';

let idp: FakeIdp;
let result: FlowResult | undefined;

beforeAll(async () => {
  idp = await startFakeIdp();
});
afterAll(async () => {
  await idp.close();
});

vitestFlow(tiny, () => openExternalTarget({ config: parseTargetConfig(fakeIdpConfig(idp)) }), {
  onResult: (r) => {
    result = r;
  },
});

describe('after the flow', () => {
  it('ran every step once, in order, and handed over the flow result', () => {
    expect(result?.status).toBe('passed');
    expect(result?.steps.map((s) => s.status)).toEqual(Array(6).fill('passed'));
    // Each request of the flow was made once: the steps ran once each, in order.
    expect(idp.seen.filter((r) => r === 'POST /token')).toHaveLength(3);
  });
});

describe('a failing flow on vitest', () => {
  it('fails the step with its first failing check and skips the step that needs what it did not yield', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nauthera-vitest-'));
    try {
      const report = join(dir, 'report.json');
      const fixtures = join(import.meta.dirname, 'fixtures');
      const child = spawnSync(process.execPath, [join(import.meta.dirname, '../../node_modules/vitest/vitest.mjs'), 'run', '--config', join(fixtures, 'vitest.fixture.config.ts'), '--reporter=json', `--outputFile=${report}`], { cwd: fixtures, encoding: 'utf8', timeout: 55_000 });
      expect(child.status).toBe(1);
      const results = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }> };
      const tests = results.testResults[0].assertionResults;
      expect(tests.map((t) => [t.status, t.title])).toEqual([
        ['passed', 'the diagram binds every arrow to a step'],
        ['passed', '1. User → Client: Starts sign-in'],
        ['passed', '2. Client → Authorization Server: Sends the browser to the authorization endpoint'],
        ['passed', '3. Authorization Server → Client: Returns the authorization code'],
        ['passed', '4. Client → Authorization Server: Exchanges the code for a token'],
        ['failed', '5. Authorization Server → Client: Returns an access token'],
        ['skipped', '6. Client → Resource Server: Calls the resource with the token'],
      ]);
      expect(tests[5].failureMessages[0]).toMatch(/^Error: token_type is Bearer \[RFC 6750 §6\.1\.1\]: token_type: expected "bearer", got "mac"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
