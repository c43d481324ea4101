/**
 * Runs one flow against a target: parse and bind its diagram, decide applicability,
 * then run its steps in order. Nothing a suite or a target does may crash the run:
 * exceptions become failed checks, hangs become step timeouts. A failed step stops
 * only the steps that need what it did not yield (their `needs`), so one run shows
 * every departure of a target (docs/design.md, "The model").
 */
import { FixtureScope } from './fixtures.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlowBrowser } from '../browser/flow-browser.ts';
import type { BrowserSession } from '../browser/session.ts';
import { parseSequenceDiagram } from '../diagram/parse.ts';
import type { SequenceDiagram } from '../diagram/model.ts';
import { HttpClient, HttpError } from '../http/client.ts';
import { clientAuthenticator } from '../target/client-auth.ts';
import { NotApplicableError, type ExpectedFailure, type Target } from '../target/model.ts';
import { notApplicableReason } from './applicability.ts';
import { bindSteps, describeArrow, type Binding } from './binding.ts';
import { checkId, inlineCheckKey, renderCheckName } from './catalogue.ts';
import { CheckFailure, CheckScope, type CheckCallOptions, type CheckFn, type CheckMeta } from './check.ts';
import type { FlowContext } from './context.ts';
import { stepKey, type FlowDefinition, type FlowState, type StepDefinition } from './define.ts';
import { matchExpectedFailure } from './expected-failures.ts';
import type { CheckResult, Evidence, FlowResult, Status, StepResult } from '../results/model.ts';
import { firstFailingCheck, flowStatus, isBlocking, stepStatus } from '../results/status.ts';

/** Progress callbacks (the CLI prints them; vitest ignores them). */
export interface ProgressListener {
  flowStart?(flow: { id: string; title: string }): void;
  stepStart?(flow: { id: string }, step: { index: number; from: string; to: string; text: string }): void;
  stepEnd?(flow: { id: string }, step: StepResult): void;
  flowEnd?(flow: FlowResult): void;
  log?(flow: { id: string }, step: { index: number } | undefined, message: string): void;
}

export interface RunEnvironment {
  target: Target;
  /** One browser for the run; each flow gets its own context. */
  browser: BrowserSession;
  /** Where diagram paths are resolved from (default: the project root). */
  projectRoot?: string;
  /** The report directory: screenshots go under <outDir>/screenshots. None are kept without it. */
  outDir?: string;
  progress?: ProgressListener;
  /** Overrides target.timeouts.stepMs. */
  stepTimeoutMs?: number;
}

export const projectRoot = resolve(new URL('../..', import.meta.url).pathname);

/** Ends a step after a hard check failed; the check is recorded already. */
class CheckAbort extends Error {
  override name = 'CheckAbort';
}

class StepTimeout extends Error {
  override name = 'StepTimeout';
  constructor(readonly timeoutMs: number) {
    super(`the step did not finish within ${timeoutMs} ms`);
  }
}

interface StepRecord {
  checks: CheckResult[];
  /** Evidence recorded outside any check, for the next check to take. */
  pending: Evidence[];
  closed: boolean;
  abort: AbortController;
  notApplicable?: string;
}

interface Scope { record: StepRecord; check?: CheckScope }

const scopes = new AsyncLocalStorage<Scope>();

export { matchExpectedFailure } from './expected-failures.ts';

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message.split('\n')[0]}`;
  return String(error);
}

/**
 * One flow's run, step by step (vitestFlow drives it one test per step; runFlow drives
 * it to the end). Create with FlowExecution.start().
 */
export class FlowExecution {
  readonly result: FlowResult;
  /** Problems binding the diagram (or reading it); the flow fails and no step runs. */
  readonly setupErrors: string[] = [];
  /** Why the whole flow is skipped (the discovery document cannot be trusted); its steps never run. */
  private skipped?: string;
  notApplicable?: string;
  private bindings: Binding[] = [];
  private next = 0;
  /** The last step that failed, was skipped or was not applicable: what a later step's missing needs are blamed on. */
  private lastShortfall?: StepResult;
  private state: FlowState;
  private http?: HttpClient;
  private flowBrowser?: FlowBrowser;
  private cleanups: Array<() => Promise<void> | void> = [];
  private fixtures?: FixtureScope;
  private finished?: FlowResult;
  private readonly started = performance.now();

  private constructor(readonly flow: FlowDefinition, readonly env: RunEnvironment) {
    this.result = { id: flow.id, title: flow.title, diagram: flow.diagram, status: 'skipped', durationMs: 0, steps: [] };
    this.state = flow.state ? flow.state() : {};
  }

  static async start(flow: FlowDefinition, env: RunEnvironment): Promise<FlowExecution> {
    const execution = new FlowExecution(flow, env);
    env.progress?.flowStart?.(flow);
    await execution.prepare();
    return execution;
  }

  /** Number of steps of the suite (not arrows of the diagram). */
  get stepCount(): number {
    return this.flow.steps.length;
  }

  private async prepare(): Promise<void> {
    const root = this.env.projectRoot ?? projectRoot;
    let diagram: SequenceDiagram;
    try {
      const source = readFileSync(resolve(root, this.flow.diagram), 'utf8');
      diagram = parseSequenceDiagram(source, this.flow.diagram);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.setupErrors.push(code === 'ENOENT' ? `diagram ${this.flow.diagram} not found` : `diagram ${this.flow.diagram}: ${errorText(error)}`);
      return;
    }
    this.result.steps = diagram.arrows.map((a) => ({ index: a.index, from: a.from, to: a.to, text: a.text, line: a.line, status: 'skipped' as Status, durationMs: 0, checks: [] }));
    const binding = bindSteps(diagram, this.flow.steps, this.flow.diagram);
    this.bindings = binding.bindings;
    if (binding.errors.length > 0) {
      this.setupErrors.push(...binding.errors);
      // The unbound arrows carry the failure, so the annotated diagram shows where.
      for (const arrow of binding.unboundArrows) {
        const step = this.result.steps[arrow.index];
        step.status = 'failed';
        step.checks.push({ id: `${this.flow.id}/arrow-${arrow.index + 1}/arrow-is-bound-to-a-step`, name: 'arrow is bound to a step', spec: 'nauthera: every arrow of a diagram is bound to a step', severity: 'failure', status: 'failed', detail: `${describeArrow(arrow)} has no step in the suite` });
      }
      for (const b of binding.bindings) this.result.steps[b.arrow.index].reason = 'not run: the suite does not bind its diagram';
      return;
    }
    const problem = this.env.target.discoveryProblem;
    if (problem && !this.flow.judgesDiscovery) {
      // Every arrow would run against endpoints of a document that is not the target's.
      this.skipped = `skipped: ${problem}`;
      for (const s of this.result.steps) s.reason = this.skipped;
      return;
    }
    try {
      this.notApplicable = await notApplicableReason(this.flow, this.env.target);
    } catch (error) {
      this.setupErrors.push(`applicable() threw: ${errorText(error)}`);
      return;
    }
    if (this.notApplicable) {
      for (const s of this.result.steps) {
        s.status = 'not-applicable';
        s.reason = this.notApplicable;
      }
    }
  }

  private ensureResources(): void {
    if (this.http) return;
    const target = this.env.target;
    this.http = new HttpClient({
      timeoutMs: target.timeouts.httpMs,
      tls: target.tls,
      clientAuth: clientAuthenticator(typeof target.metadata.token_endpoint === 'string' ? target.metadata.token_endpoint : target.issuer),
      userAgent: 'nauthera',
      signal: () => scopes.getStore()?.record.abort.signal,
      record: (ev) => this.record(ev),
    });
    this.flowBrowser = new FlowBrowser({
      session: this.env.browser,
      login: target.login,
      ignoreHTTPSErrors: target.tls.insecure,
      redirectUris: target.clients.flatMap((c) => c.redirect_uris),
      record: (ev) => this.record(ev),
      screenshots: this.env.outDir ? { dir: this.env.outDir, prefix: () => `screenshots/${this.flow.id}/step-${(this.currentIndex ?? 0) + 1}` } : undefined,
      signal: () => scopes.getStore()?.record.abort.signal,
      timeoutMs: target.login?.timeoutMs,
    });
  }

  private currentIndex?: number;

  /** Attributes evidence to the check running in this async context, else to the step's next check. */
  private record(ev: Evidence): void {
    const scope = scopes.getStore();
    if (!scope || scope.record.closed) return;
    if (scope.check) scope.check.add(ev);
    else scope.record.pending.push(ev);
  }

  /**
   * Runs the k-th step of the suite (running any earlier ones first). Returns its result;
   * a step after a failed one is skipped. Undefined when k is past the last step.
   */
  async runStep(k: number): Promise<StepResult | undefined> {
    while (this.next <= k && this.next < this.flow.steps.length) {
      const index = this.next++;
      const binding = this.bindings.find((b) => b.step === index);
      if (!binding || this.setupErrors.length > 0 || this.notApplicable || this.skipped) continue;
      const result = this.result.steps[binding.arrow.index];
      const missing = this.missingNeeds(this.flow.steps[index]);
      if (missing.length > 0) {
        // What a not-applicable step did not yield makes its dependants not applicable, for the same reason.
        result.status = this.lastShortfall?.status === 'not-applicable' ? 'not-applicable' : 'skipped';
        result.reason = `${result.status === 'skipped' ? 'skipped: ' : ''}needs ${missing.join(' and ')}, which ${this.blame()}`;
        this.lastShortfall = result;
        this.env.progress?.stepEnd?.(this.flow, result);
        continue;
      }
      await this.execute(index, binding, result);
      if (result.status === 'failed' || result.status === 'skipped' || result.status === 'not-applicable') this.lastShortfall = result;
    }
    const binding = this.bindings.find((b) => b.step === k);
    return binding ? this.result.steps[binding.arrow.index] : undefined;
  }

  /** What `needs` of the step the state lacks, as the step describes it. */
  private missingNeeds(def: StepDefinition): string[] {
    return Object.entries(def.options.needs ?? {}).filter(([key]) => this.state[key] === undefined).map(([key, what]) => what || key);
  }

  /** Which earlier step did not yield what a later one needs. */
  private blame(): string {
    const s = this.lastShortfall;
    if (!s) return 'no earlier step yielded';
    const why = s.status === 'failed' ? 'it failed' : s.status === 'not-applicable' ? `not applicable: ${s.reason?.replace(/^not applicable: /, '') ?? ''}` : (s.reason ?? 'it was skipped');
    return `step ${s.index + 1} "${s.text}" did not yield (${why})`;
  }

  private context(record: StepRecord, binding: Binding): FlowContext<FlowState> {
    const { arrow } = binding;
    const self = this;
    return {
      flow: { id: this.flow.id, title: this.flow.title },
      step: { index: arrow.index, from: arrow.from, to: arrow.to, text: arrow.text, line: arrow.line },
      target: this.env.target,
      get state() {
        return self.state;
      },
      set state(value) {
        self.state = value;
      },
      http: this.http!,
      browser: this.flowBrowser!,
      signal: record.abort.signal,
      check: ((meta: string | CheckMeta, fn: CheckFn, options?: CheckCallOptions) => this.check(record, binding, meta, fn, options)) as FlowContext<FlowState>['check'],
      note: (label, text) => {
        const scope = scopes.getStore();
        const ev: Evidence = { kind: 'note', label, text };
        if (scope?.check) scope.check.add(ev);
        else record.pending.push(ev);
      },
      notApplicable: (reason) => {
        throw new NotApplicableError(reason);
      },
      wait: (ms) => new Promise<void>((resolve, reject) => {
        const signal = record.abort.signal;
        if (signal.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }),
      log: (message) => this.env.progress?.log?.(this.flow, { index: arrow.index }, message),
      onFlowEnd: (fn) => {
        this.cleanups.push(fn);
      },
      fixture: <T>(name: string) => (this.fixtures ??= new FixtureScope(this.flow.fixtures ?? {}, { target: this.env.target })).get<T>(name),
    };
  }

  /** The declaration a call names: a key declared on the step, or an inline { name, spec }. */
  private resolveCheck(binding: Binding, meta: string | CheckMeta, options: CheckCallOptions = {}): { id: string; name: string; spec: string; severity: 'failure' | 'warning'; soft: boolean } {
    const def = this.flow.steps[binding.step];
    if (typeof meta === 'string') {
      const declared = def.options.checks?.[meta];
      if (!declared) {
        const known = Object.keys(def.options.checks ?? {});
        throw new TypeError(`ctx.check("${meta}"): no check "${meta}" is declared on step ${binding.step + 1} "${def.text}" (its checks: ${known.join(', ') || 'none'})`);
      }
      return {
        id: checkId(this.flow.id, def, meta),
        name: renderCheckName(declared.name, options.args),
        spec: declared.spec,
        severity: options.severity ?? declared.severity ?? 'failure',
        soft: options.soft ?? false,
      };
    }
    if (!meta || typeof meta.name !== 'string' || typeof meta.spec !== 'string') throw new TypeError('ctx.check(meta, fn): meta needs a name and a spec');
    return {
      id: `${this.flow.id}/${stepKey(def)}/${meta.id ?? inlineCheckKey(meta.name)}`,
      name: meta.name,
      spec: meta.spec,
      severity: options.severity ?? meta.severity ?? 'failure',
      soft: options.soft ?? meta.soft ?? false,
    };
  }

  private async check(record: StepRecord, binding: Binding, metaOrKey: string | CheckMeta, fn: CheckFn, options?: CheckCallOptions): Promise<CheckResult> {
    if (record.closed) throw new CheckAbort('the step is over (it timed out or failed)');
    const meta = this.resolveCheck(binding, metaOrKey, options);
    const stepText = binding.arrow.text;
    const scope = new CheckScope();
    const started = performance.now();
    let status: Status;
    let detail: string;
    try {
      const out = await scopes.run({ record, check: scope }, async () => fn(scope));
      status = scope.shoulds.length > 0 ? 'warning' : 'passed';
      detail = typeof out === 'string' && out ? out : scope.passes.length > 0 ? scope.passes.join('; ') : 'passed';
      if (scope.shoulds.length > 0) detail = `${scope.shoulds.join('; ')} (SHOULD; every MUST held: ${detail})`;
    } catch (error) {
      if (error instanceof CheckFailure) {
        status = 'failed';
        detail = error.detail;
      } else if (error instanceof NotApplicableError) {
        status = 'not-applicable';
        detail = error.message;
      } else if (error instanceof HttpError) {
        status = 'failed';
        detail = error.message;
        scope.add(error.evidence);
      } else if (error instanceof CheckAbort) {
        throw error;
      } else {
        status = 'failed';
        detail = `unexpected error: ${errorText(error)}`;
      }
    }
    const severity = meta.severity;
    if (status === 'failed' && severity === 'warning') status = 'warning';
    // The check's own evidence first (what the step recorded for it, what it recorded or judged),
    // then what it was handed without judging; ownEvidence says where the two meet.
    const own = [...record.pending, ...scope.collected.filter((ev) => !record.pending.includes(ev))];
    const context = scope.context.filter((ev) => !own.includes(ev));
    const evidence = [...own, ...context];
    record.pending = [];
    const result: CheckResult = {
      id: meta.id,
      name: meta.name,
      spec: meta.spec,
      severity,
      status,
      detail,
      ...(evidence.length > 0 ? { evidence } : {}),
      ...(context.length > 0 ? { ownEvidence: own.length } : {}),
      durationMs: Math.round(performance.now() - started),
    };
    if (status === 'failed') {
      const expected = matchExpectedFailure(this.env.target.expectedFailures, { flow: this.flow.id, stepText, id: meta.id, name: meta.name, detail });
      if (expected) result.expectedFailure = expected.reason;
    }
    if (record.closed) throw new CheckAbort('the step is over (it timed out)');
    record.checks.push(result);
    if (isBlocking(result) && !meta.soft) throw new CheckAbort(detail);
    return result;
  }

  private async execute(k: number, binding: Binding, result: StepResult): Promise<void> {
    this.ensureResources();
    const def = this.flow.steps[k];
    const record: StepRecord = { checks: [], pending: [], closed: false, abort: new AbortController() };
    this.currentIndex = binding.arrow.index;
    this.env.progress?.stepStart?.(this.flow, binding.arrow);
    const timeoutMs = def.options.timeoutMs ?? this.env.stepTimeoutMs ?? this.env.target.timeouts.stepMs;
    const started = performance.now();
    const ctx = this.context(record, binding);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeout(timeoutMs)), timeoutMs);
    });
    const engineId = (name: string) => `${this.flow.id}/${stepKey(def)}/${inlineCheckKey(name)}`;
    const failure = (name: string, detail: string, evidence: Evidence[] = []): CheckResult => ({
      id: engineId(name), name, spec: 'nauthera', severity: 'failure', status: 'failed', detail, ...(evidence.length ? { evidence } : {}),
    });
    let unexpected: string | undefined;
    try {
      await Promise.race([scopes.run({ record }, async () => def.run(ctx)), timeout]);
    } catch (error) {
      if (error instanceof StepTimeout) {
        record.abort.abort(new Error(`step timed out after ${timeoutMs} ms`));
        // Let the aborted exchanges record themselves: they name what the step was waiting for.
        await this.http?.settled();
        const open = record.checks.length;
        record.checks.push(failure('step finishes in time', `${error.message} (timeouts.stepMs); ${open} check${open === 1 ? '' : 's'} had finished`, record.pending));
        record.pending = [];
      } else if (error instanceof CheckAbort) {
        // The failed check is recorded.
      } else if (error instanceof NotApplicableError) {
        record.notApplicable = error.message;
      } else if (error instanceof CheckFailure) {
        record.checks.push(failure('step ran to completion', error.detail, record.pending));
        record.pending = [];
      } else if (this.lastShortfall && !(error instanceof HttpError) && !record.checks.some(isBlocking)) {
        // A suite that reads what an earlier, failed step did not yield: not a verdict on the target.
        unexpected = errorText(error);
      } else {
        const evidence = error instanceof HttpError ? [...record.pending, error.evidence] : record.pending;
        record.checks.push(failure('step ran to completion', `unexpected error: ${errorText(error)}`, evidence));
        record.pending = [];
      }
    } finally {
      clearTimeout(timer);
      record.closed = true;
      // A step that outlived its timeout must not keep requests open.
      if (!record.abort.signal.aborted) record.abort.abort(new Error('step finished'));
    }
    if (unexpected && this.lastShortfall) {
      result.checks = record.checks;
      result.durationMs = Math.round(performance.now() - started);
      result.status = 'skipped';
      result.reason = `skipped: could not run without what ${this.blame()} (${unexpected})`;
      this.env.progress?.stepEnd?.(this.flow, result);
      return;
    }
    if (record.checks.length === 0 && !record.notApplicable) {
      record.checks.push({
        id: engineId('step ran to completion'),
        name: 'step ran to completion', spec: 'nauthera', severity: 'failure', status: 'passed',
        detail: 'the step ran without error (it records no checks of its own)',
        ...(record.pending.length ? { evidence: record.pending } : {}),
      });
      record.pending = [];
    } else if (record.pending.length > 0 && record.checks.length > 0) {
      // Recorded after the step's last check: the arrow's evidence, not that check's own.
      const last = record.checks[record.checks.length - 1];
      last.ownEvidence ??= last.evidence?.length ?? 0;
      last.evidence = [...(last.evidence ?? []), ...record.pending];
    }
    if (k === 0) {
      const incomplete = this.incompleteDiscovery();
      if (incomplete) record.checks.unshift(incomplete);
    }
    result.checks = record.checks;
    result.durationMs = Math.round(performance.now() - started);
    result.status = stepStatus(record.checks, record.notApplicable !== undefined);
    if (record.notApplicable && result.status === 'not-applicable') result.reason = record.notApplicable;
    this.env.progress?.stepEnd?.(this.flow, result);
  }

  /**
   * A warning on the flow's first arrow when the config had to add or change discovery values
   * this flow relies on (RFC 8414 §2, OIDC Discovery §3): the flow ran on the vendor's word,
   * and a client that trusts discovery alone would not find it.
   */
  private incompleteDiscovery(): CheckResult | undefined {
    const overrides = this.env.target.metadataOverrides ?? {};
    const needs = this.flow.needs ?? {};
    const used = new Set<string>([
      ...(needs.endpoints ?? []),
      ...(needs.grantTypes?.length ? ['grant_types_supported'] : []),
      ...(needs.responseTypes?.length ? ['response_types_supported'] : []),
    ]);
    const relied = Object.keys(overrides).filter((key) => used.has(key));
    if (relied.length === 0) return undefined;
    const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
    const def = this.flow.steps[0];
    return {
      id: `${this.flow.id}/${stepKey(def)}/discovery-lists-what-the-flow-uses`,
      name: 'the discovery document lists what this flow uses',
      spec: 'RFC 8414 §2, OIDC Discovery §3',
      severity: 'warning',
      status: 'warning',
      detail: `set by the config's metadata, not by discovery: ${relied.map((key) => `${key} (discovered ${show(overrides[key].discovered)}, configured ${show(overrides[key].configured)})`).join('; ')}`,
    };
  }

  /** Runs every remaining step. */
  async runAll(): Promise<FlowResult> {
    await this.runStep(this.flow.steps.length - 1);
    return this.finish();
  }

  /** Marks steps never run as skipped, runs cleanups, frees the browser context; returns the flow's result. */
  async finish(): Promise<FlowResult> {
    if (this.finished) return this.finished;
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // Cleanup is best effort; it never changes a verdict.
      }
    }
    // After the cleanups, which may still talk to a fixture (an app deleting its registration).
    await this.fixtures?.tearDown();
    await this.flowBrowser?.close();
    await this.http?.close();
    const r = this.result;
    r.durationMs = Math.round(performance.now() - this.started);
    if (this.setupErrors.length > 0) {
      r.status = 'failed';
      r.reason = this.setupErrors.join('; ');
    } else if (this.notApplicable) {
      r.status = 'not-applicable';
      r.reason = this.notApplicable;
    } else if (this.skipped) {
      r.status = 'skipped';
      r.reason = this.skipped;
    } else {
      r.status = r.steps.length === 0 ? 'passed' : flowStatus(r.steps);
      const failed = r.steps.filter((s) => s.status === 'failed');
      const check = failed[0] && firstFailingCheck(failed[0]);
      if (failed.length > 0) r.reason = `${failed.length > 1 ? `${failed.length} steps failed; first: ` : ''}step ${failed[0].index + 1} "${failed[0].text}" failed${check ? `: ${check.name}: ${check.detail}` : ''}`;
      else if (r.status === 'not-applicable') r.reason = 'no step applies to this target';
    }
    this.env.progress?.flowEnd?.(r);
    this.finished = r;
    return r;
  }
}

/** Runs one flow to the end. Never throws for anything the suite or the target does. */
export async function runFlow(flow: FlowDefinition, env: RunEnvironment): Promise<FlowResult> {
  const execution = await FlowExecution.start(flow, env);
  return execution.runAll();
}

/** A flow that could not even be loaded (its suite module threw, or exports no flow). */
export function brokenFlowResult(id: string, reason: string, diagram = `diagrams/${id}.mmd`): FlowResult {
  return { id, title: id, diagram, status: 'failed', reason, durationMs: 0, steps: [] };
}
