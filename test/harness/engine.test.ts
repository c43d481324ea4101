/**
 * The flow engine over real HTTP on loopback: binding, pass/fail/skip propagation,
 * expected failures, exceptions, timeouts, applicability and evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../../harness/browser/session.ts';
import { defineFlow, step, type FlowDefinition, type StepDefinition } from '../../harness/flow/index.ts';
import type { FlowResult } from '../../harness/results/model.ts';
import { FlowExecution, runFlow } from '../../harness/flow/runner.ts';
import { exitCodeFor } from '../../harness/results/status.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { openExternalTarget } from '../../harness/target/external.ts';
import type { Target } from '../../harness/target/model.ts';
import { fakeIdpConfig, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';
import { tinyArrows } from './fixtures/tiny-arrows.ts';

let idp: FakeIdp;
const browser = new BrowserSession();

beforeAll(async () => {
  idp = await startFakeIdp();
});
afterAll(async () => {
  await browser.close();
  await idp.close();
});

async function target(extra: Record<string, unknown> = {}): Promise<Target> {
  return openExternalTarget({ config: parseTargetConfig({ ...fakeIdpConfig(idp), ...extra }) });
}

const diagram = 'test/harness/fixtures/tiny.mmd';
const arrows = tinyArrows;

/** A flow binding every arrow; `override` replaces some steps' bodies. */
function flowWith(override: Record<number, StepDefinition['run']> = {}, extra: Partial<FlowDefinition> = {}): FlowDefinition {
  return defineFlow({
    id: 'tiny',
    title: 'Tiny',
    diagram,
    steps: arrows.map(([from, to, text], i) => step(from, to, text, override[i] ?? (async (ctx) => {
      await ctx.check({ name: `arrow ${i + 1} holds`, spec: 'test' }, (c) => c.expect(i, 'index').toBe(i));
    }))),
    ...extra,
  });
}

async function run(flow: FlowDefinition, t?: Target): Promise<FlowResult> {
  const tg = t ?? (await target());
  return runFlow(flow, { target: tg, browser, stepTimeoutMs: 5_000 });
}

describe('binding', () => {
  it('binds every arrow in order; participants by alias or label', async () => {
    const flow = flowWith();
    flow.steps[1] = step('Client', 'Authorization Server', arrows[1][2], async () => {});
    const result = await run(flow);
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => s.status)).toEqual(Array(6).fill('passed'));
    expect(result.steps[1].checks).toEqual([expect.objectContaining({ name: 'step ran to completion', status: 'passed' })]);
    expect(result.steps[3]).toMatchObject({ index: 3, from: 'Client', to: 'AS', text: 'Exchanges the code for a token', line: 11 });
  });

  it('fails the flow naming an arrow that has no step, with its line', async () => {
    const flow = flowWith();
    flow.steps.splice(2, 1);
    const execution = await FlowExecution.start(flow, { target: await target(), browser });
    expect(execution.setupErrors).toEqual(['arrow 3 (line 10) "AS -->> Client: Returns the authorization code" of test/harness/fixtures/tiny.mmd has no step']);
    const result = await execution.runAll();
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('arrow 3 (line 10)');
    expect(result.steps[2].status).toBe('failed');
    expect(result.steps[2].checks[0]).toMatchObject({ name: 'arrow is bound to a step', status: 'failed' });
    expect(result.steps.filter((s) => s.status === 'skipped')).toHaveLength(5);
    expect(exitCodeFor({ version: 1, target: { kind: 'external', issuer: 'x' }, startedAt: '', durationMs: 0, flows: [result] })).toBe(1);
  });

  it('fails the flow naming a step that matches no arrow, and hints at a wrong order', async () => {
    const extraStep = flowWith();
    extraStep.steps.push(step('Client', 'AS', 'Asks for a refund', async () => {}));
    const a = await FlowExecution.start(extraStep, { target: await target(), browser });
    expect(a.setupErrors).toEqual(['step 7 "Client -> AS: Asks for a refund" matches no arrow of test/harness/fixtures/tiny.mmd']);

    const swapped = flowWith();
    [swapped.steps[3], swapped.steps[4]] = [swapped.steps[4], swapped.steps[3]];
    const b = await FlowExecution.start(swapped, { target: await target(), browser });
    expect(b.setupErrors.join('\n')).toMatch(/step 5 "Client -> AS: Exchanges the code for a token" matches no arrow .*steps must follow the arrows' order/);
    expect(b.setupErrors).toContain('arrow 4 (line 11) "Client ->> AS: Exchanges the code for a token" of test/harness/fixtures/tiny.mmd has no step');
    await a.finish();
    await b.finish();
  });

  it('names a diagram that does not exist', async () => {
    const result = await run(flowWith({}, { diagram: 'test/harness/fixtures/missing.mmd' }));
    expect(result).toMatchObject({ status: 'failed', reason: 'diagram test/harness/fixtures/missing.mmd not found' });
  });
});

describe('propagation', () => {
  it('fails the step on its first failed check, skips the steps that need what it did not yield, and runs the rest', async () => {
    let laterChecksRan = false;
    const flow = flowWith({
      3: async (ctx) => {
        const res = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'authorization_code', code: 'nope', redirect_uri: 'http://127.0.0.1:9/cb' }, { client: ctx.target.client('confidential') });
        await ctx.check({ name: 'the token endpoint answers 200', spec: 'RFC 6749 §5.1' }, (c) => c.expectStatus(res, 200));
        ctx.state.token = res.json.access_token;
        laterChecksRan = true;
      },
    });
    flow.steps[4].options.needs = { token: 'an access token' };
    const result = await run(flow);
    expect(laterChecksRan).toBe(false);
    expect(result.status).toBe('failed');
    // Arrow 6 needs nothing arrow 4 should have yielded: it runs and passes.
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped', 'passed']);
    expect(result.steps[3].checks[0].detail).toBe('HTTP status of POST /token: expected 200, got 400 with error "invalid_grant" ("the code is invalid, used or for another client")');
    expect(result.steps[4].reason).toBe('skipped: needs an access token, which step 4 "Exchanges the code for a token" did not yield (it failed)');
    expect(result.steps[4].checks).toEqual([]);
    expect(result.reason).toContain('step 4 "Exchanges the code for a token" failed: the token endpoint answers 200');
  });

  it('shows three independent failures of one flow in one run', async () => {
    const failing = (name: string) => async (ctx: Parameters<StepDefinition['run']>[0]) => {
      await ctx.check({ name, spec: 'test' }, (c) => c.expect('got', name).toBe('wanted'));
    };
    const result = await run(flowWith({ 1: failing('first departure'), 3: failing('second departure'), 5: failing('third departure') }));
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'passed', 'failed', 'passed', 'failed']);
    expect(result.steps.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => c.name))).toEqual(['first departure', 'second departure', 'third departure']);
    expect(result.reason).toMatch(/^3 steps failed; first: step 2 /);
  });

  it('skips, never fails, a step that stumbles on what an earlier failed step did not yield', async () => {
    const result = await run(flowWith({
      1: async (ctx) => {
        await ctx.check({ name: 'a code arrives', spec: 'test' }, (c) => c.fail('no code'));
      },
      2: (ctx) => {
        const missing = ctx.state.tokens as { access_token: string } | undefined;
        return void missing!.access_token;
      },
    }));
    expect(result.steps[2].status).toBe('skipped');
    expect(result.steps[2].reason).toMatch(/^skipped: could not run without what step 2 "[^"]+" did not yield \(it failed\) \(TypeError: Cannot read properties of undefined/);
  });

  it('gives every check a stable id and matches expected failures by id and detail', async () => {
    const flow = flowWith({
      2: async (ctx) => {
        await ctx.check('iss-present', (c) => c.expect(undefined, 'iss').toBeDefined(), { soft: true });
        await ctx.check('state-echoed', (c) => c.expect('x', 'state').toBe('y'), { soft: true });
        await ctx.check('typed', (c) => c.expect(1, 'n').toBe(1), { args: { what: 'code' } });
      },
    });
    flow.steps[2] = step(flow.steps[2].from, flow.steps[2].to, flow.steps[2].text, flow.steps[2].run, {
      key: 'callback',
      checks: {
        'iss-present': { name: 'iss is present', spec: 'RFC 9207 §2' },
        'state-echoed': { name: 'state is echoed', spec: 'RFC 6749 §4.1.2' },
        typed: { name: 'the {what} is typed', spec: 'test', severity: 'warning' },
      },
    });
    const t = await target({
      expectedFailures: [
        { id: 'tiny/callback/iss-present', reason: 'no RFC 9207 yet' },
        { id: 'tiny/callback/state-echoed', detail: 'got "z"', reason: 'a different failure is not absorbed' },
      ],
    });
    const result = await run(flow, t);
    const checks = result.steps[2].checks;
    expect(checks.map((c) => [c.id, c.name, c.severity, c.status, c.expectedFailure])).toEqual([
      ['tiny/callback/iss-present', 'iss is present', 'failure', 'failed', 'no RFC 9207 yet'],
      ['tiny/callback/state-echoed', 'state is echoed', 'failure', 'failed', undefined],
      ['tiny/callback/typed', 'the code is typed', 'warning', 'passed', undefined],
    ]);
    expect(result.steps[0].checks[0].id).toBe(`tiny/${result.steps[0].text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').slice(0, 6).join('-')}/arrow-1-holds`);
  });

  it('fails a check whose key the step does not declare, naming the declared ones', async () => {
    const flow = flowWith({ 1: async (ctx) => { await ctx.check('nope', () => {}); } });
    flow.steps[1].options.checks = { yes: { name: 'yes', spec: 's' } };
    const result = await run(flow);
    expect(result.steps[1].checks[0]).toMatchObject({ name: 'step ran to completion', status: 'failed', detail: expect.stringContaining('no check "nope" is declared on step 2') });
    expect(result.steps[1].checks[0].detail).toContain('(its checks: yes)');
  });

  it('records every soft check of a step, and a warning does not fail the flow', async () => {
    const result = await run(flowWith({
      1: async (ctx) => {
        await ctx.check({ name: 'soft one', spec: 's', soft: true }, (c) => c.expect('a', 'first').toBe('b'));
        await ctx.check({ name: 'soft two', spec: 's', soft: true }, (c) => c.expect([1, 2], 'list').toContain(3));
      },
      2: async (ctx) => {
        await ctx.check({ name: 'nice to have', spec: 's', severity: 'warning' }, (c) => c.expect(undefined, 'iss').toBeDefined());
        await ctx.check({ name: 'must have', spec: 's' }, (c) => c.expect(1, 'one').toBeLessThan(2));
      },
    }));
    expect(result.steps[1].checks.map((c) => [c.status, c.detail])).toEqual([
      ['failed', 'first: expected "b", got "a"'],
      ['failed', 'list: expected something containing 3, got [1,2]'],
    ]);
    expect(result.steps[1].status).toBe('failed');
    expect(result.steps[2].status).toBe('warning');

    const warned = await run(flowWith({
      2: async (ctx) => {
        await ctx.check({ name: 'nice to have', spec: 's', severity: 'warning' }, (c) => c.expect(undefined, 'iss').toBeDefined());
        await ctx.check({ name: 'must have', spec: 's' }, (c) => c.expect(1, 'one').toBeLessThan(2));
      },
    }));
    expect(warned.steps[2].checks.map((c) => [c.status, c.detail])).toEqual([['warning', 'iss: expected present, got nothing (absent)'], ['passed', 'one is less than 2']]);
    expect(warned.steps[2].status).toBe('warning');
    expect(warned.status).toBe('warning');
    expect(warned.steps[5].status).toBe('passed');
  });

  it('turns an exception in a step into a failed check with its message, never a crash', async () => {
    const result = await run(flowWith({
      1: (ctx) => {
        const missing = ctx.state.tokens as { access_token: string } | undefined;
        return void missing!.access_token;
      },
    }));
    expect(result.steps[1].status).toBe('failed');
    expect(result.steps[1].checks).toEqual([expect.objectContaining({ name: 'step ran to completion', status: 'failed', detail: expect.stringMatching(/^unexpected error: TypeError: Cannot read properties of undefined/) })]);

    const inCheck = await run(flowWith({
      1: async (ctx) => {
        await ctx.check({ name: 'throws', spec: 's' }, () => {
          throw new RangeError('out of range');
        });
      },
    }));
    expect(inCheck.steps[1].checks[0]).toMatchObject({ status: 'failed', detail: 'unexpected error: RangeError: out of range' });
  });

  it('fails a hanging step with a timeout message and goes on', async () => {
    const result = await runFlow(flowWith({
      1: async (ctx) => {
        await ctx.http.get(`${ctx.target.issuer}/hang`, { timeoutMs: 30_000 });
      },
    }), { target: await target(), browser, stepTimeoutMs: 300 });
    const checks = result.steps[1].checks;
    expect(checks.at(-1)).toMatchObject({ name: 'step finishes in time', status: 'failed', detail: 'the step did not finish within 300 ms (timeouts.stepMs); 0 checks had finished' });
    expect(checks.at(-1)!.evidence).toEqual([expect.objectContaining({ kind: 'http', error: 'aborted: step timed out after 300 ms' })]);
    expect(result.steps[1].status).toBe('failed');
    expect(result.steps.slice(2).every((s) => s.status === 'passed')).toBe(true);
  });

  it('ends ctx.wait() when the step times out', async () => {
    let woke = false;
    const result = await runFlow(flowWith({
      2: async (ctx) => {
        await ctx.wait(10);
        await ctx.wait(30_000);
        woke = true;
      },
    }), { target: await target(), browser, stepTimeoutMs: 300 });
    expect(result.steps[2].checks.at(-1)).toMatchObject({ name: 'step finishes in time', status: 'failed' });
    expect(woke).toBe(false);
  });

  it('reports an HTTP timeout and a refused connection as failed checks naming the request', async () => {
    const result = await run(flowWith({
      1: async (ctx) => {
        await ctx.check({ name: 'introspection answers', spec: 's', soft: true }, async (c) => {
          c.expectStatus(await ctx.http.get(ctx.target.endpoint('introspection_endpoint'), { timeoutMs: 200 }), 200);
        });
        await ctx.check({ name: 'closed port answers', spec: 's' }, async (c) => {
          c.expectStatus(await ctx.http.get('http://127.0.0.1:1/token'), 200);
        });
      },
    }));
    const [timeout, refused] = result.steps[1].checks;
    expect(timeout.detail).toBe(`GET ${idp.issuer}/hang: no response within 200 ms`);
    expect(refused.detail).toBe('GET http://127.0.0.1:1/token: connection refused (127.0.0.1:1)');
    expect(refused.evidence).toEqual([expect.objectContaining({ kind: 'http', error: 'connection refused (127.0.0.1:1)' })]);
  });
});

describe('expected failures', () => {
  const failing = {
    3: async (ctx: Parameters<StepDefinition['run']>[0]) => {
      await ctx.check({ name: 'token_type is DPoP', spec: 'RFC 9449 §5' }, (c) => c.expect('Bearer', 'token_type').toBe('DPoP'));
    },
  };

  it('turns a matching failed check into an expected failure that does not fail the run', async () => {
    const t = await target({ expectedFailures: [{ flow: 'tiny', step: 'Exchanges the code for a token', check: 'token_type is DPoP', reason: 'no DPoP yet (RFC 9449)' }] });
    const result = await run(flowWith(failing), t);
    const check = result.steps[3].checks[0];
    expect(check).toMatchObject({ status: 'failed', expectedFailure: 'no DPoP yet (RFC 9449)', detail: 'token_type: expected "DPoP", got "Bearer"' });
    expect(result.steps[3].status).toBe('warning');
    expect(result.steps[4].status).toBe('passed');
    expect(result.status).toBe('warning');
    expect(exitCodeFor({ version: 1, target: { kind: 'external', issuer: 'x' }, startedAt: '', durationMs: 0, flows: [result] })).toBe(0);
  });

  it('does not match another step or another check name', async () => {
    const t = await target({ expectedFailures: [{ flow: 'tiny', step: 'Returns an access token', check: 'token_type is DPoP', reason: 'x' }, { flow: 'tiny', check: 'token type is DPoP', reason: 'y' }] });
    const result = await run(flowWith(failing), t);
    expect(result.steps[3].checks[0].expectedFailure).toBeUndefined();
    expect(result.status).toBe('failed');
  });
});

describe('applicability', () => {
  it('is not applicable, with the reason, when the target lacks what the flow needs', async () => {
    const result = await run(flowWith({}, { needs: { clients: ['device'], endpoints: ['device_authorization_endpoint'], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'] } }));
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toBe('the target has no client with role "device"; the discovery metadata has no device_authorization_endpoint; grant_types_supported does not list urn:ietf:params:oauth:grant-type:device_code');
    expect(result.steps.every((s) => s.status === 'not-applicable' && s.reason === result.reason)).toBe(true);
  });

  it('honours skipFlows and applicable()', async () => {
    const skipped = await run(flowWith(), await target({ skipFlows: [{ flow: 'tiny', reason: 'no browser on this IdP' }] }));
    expect(skipped).toMatchObject({ status: 'not-applicable', reason: 'skipped by the target config: no browser on this IdP' });
    const declined = await run(flowWith({}, { applicable: (tg) => (tg.capabilities.par ? true : { reason: 'no PAR endpoint' }) }));
    expect(declined).toMatchObject({ status: 'not-applicable', reason: 'no PAR endpoint' });
  });

  it('makes a step not applicable when it asks for a client role the target lacks', async () => {
    const result = await run(flowWith({ 5: (ctx) => void ctx.target.client('service-jwt') }));
    expect(result.steps[5]).toMatchObject({ status: 'not-applicable', reason: 'the target has no client with role "service-jwt" (clients[].role in the config)' });
    expect(result.status).toBe('passed');
  });
});

describe('evidence', () => {
  it('attaches each exchange to its check, with secrets masked', async () => {
    const result = await run(flowWith({
      3: async (ctx) => {
        const client = ctx.target.client('confidential');
        const res = await ctx.http.postForm(ctx.target.endpoint('token_endpoint'), { grant_type: 'client_credentials', client_secret: 'posted-secret', password: 'hunter22', code_verifier: 'verifier-1234567890' }, { client });
        await ctx.check({ name: 'issues a token', spec: 'RFC 6749 §4.4.3' }, (c) => {
          c.expectStatus(res, 200);
          c.expect(res.json.access_token, 'access_token').toBeNonEmptyString();
        });
        await ctx.check({ name: 'the resource takes it', spec: 'RFC 6750 §2.1' }, async (c) => {
          c.expectStatus(await ctx.http.get(ctx.target.resourceServer!, { bearer: res.json.access_token }), 200);
        });
      },
    }));
    const [issue, resource] = result.steps[3].checks;
    expect(issue.detail).toBe('HTTP status is 200; access_token is a non-empty string');
    expect(issue.evidence).toHaveLength(1);
    expect(resource.evidence).toHaveLength(1);
    const exchange = issue.evidence![0];
    if (exchange.kind !== 'http') throw new Error('expected http evidence');
    expect(exchange.request.headers.authorization).toBe('Basic ****');
    expect(exchange.request.body).toBe('grant_type=client_credentials&client_secret=****&password=****&code_verifier=****');
    const body = JSON.parse(exchange.response!.body!);
    expect(body.access_token).toMatch(/^[0-9a-f]{6}…\(32 chars\)$/);
    expect(body.refresh_token).toMatch(/^[0-9a-f]{6}…\(32 chars\)$/);
    expect(body.token_type).toBe('Bearer');
    const call = resource.evidence![0];
    if (call.kind !== 'http') throw new Error('expected http evidence');
    expect(call.request.headers.authorization).toMatch(/^Bearer [0-9a-f]{6}…\(32 chars\)$/);
    expect(JSON.stringify(result)).not.toContain('s3cret-Value-42');
  });
});
