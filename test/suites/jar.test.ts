/**
 * The jar suite against the reference target: every check of every step passes (signed Request
 * Objects by value and by a registered request_uri, the refusals of §6.2, §6.3 and §10.5, the
 * object's parameters alone used), and a target whose metadata does not offer the request
 * parameter is not applicable, saying so.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/jar.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce, expectEveryCheckPassed } from './support/reference-target.ts';
import type { Target } from '../../harness/target/model.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expectEveryCheckPassed(result);
    expect(result.steps.flatMap((s) => s.checks).length).toBe(10);
  },
});

describe('a target whose metadata does not offer Request Objects', () => {
  it('is not applicable, naming request_parameter_supported', async () => {
    const target = await sharedTarget();
    const without: Target = { ...target, metadata: { ...target.metadata, request_parameter_supported: false } };
    const result = await runOnce(flow, without);
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toMatch(/request_parameter_supported false/);
  });
});
