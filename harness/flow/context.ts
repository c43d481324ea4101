/** What a step function receives: `ctx`. */
import type { FlowBrowser } from '../browser/flow-browser.ts';
import type { HttpClient } from '../http/client.ts';
import type { Target } from '../target/model.ts';
import type { CheckCallOptions, CheckFn, CheckMeta } from './check.ts';
import type { FlowState } from './define.ts';
import type { CheckResult } from '../results/model.ts';

export interface FlowContext<S = FlowState> {
  readonly flow: { id: string; title: string };
  /** The arrow this step is bound to (index from 0, line in the .mmd). */
  readonly step: { index: number; from: string; to: string; text: string; line: number };
  readonly target: Target;
  /** Shared by all steps of one flow run; starts as the flow's state() or {}. */
  state: S;
  /** undici client recording every exchange as evidence of the running check (secrets masked). */
  readonly http: HttpClient;
  /** The flow's browser: one context per flow, sign-in driven by the target's login automation. */
  readonly browser: FlowBrowser;
  /** Aborted when the step times out. */
  readonly signal: AbortSignal;
  /**
   * Runs one check: a key declared in the step's `checks`, or an inline { name, spec }.
   * Resolves to its result. A failed failure-severity check ends the step unless `soft: true`
   * (or the failure is expected by the target config).
   */
  check(key: string, fn: CheckFn, options?: CheckCallOptions): Promise<CheckResult>;
  check(meta: CheckMeta, fn: CheckFn): Promise<CheckResult>;
  /** A labelled note attached to the next check (or the current one inside a check). */
  note(label: string, text: string): void;
  /** Ends the step as not applicable (the target lacks what it tests). */
  notApplicable(reason: string): never;
  /** Waits `ms` (device-flow polling intervals, RFC 8628 §3.5); rejects when the step times out. */
  wait(ms: number): Promise<void>;
  /** A progress line under the step (stderr in `nauthera run`). */
  log(message: string): void;
  /** Runs after the flow's last step, whatever happened (cleanup: revoke tokens, delete registrations). */
  onFlowEnd(fn: () => Promise<void> | void): void;
  /** A fixture the flow declares (defineFlow fixtures), set up on the first ask and torn down after the last step. */
  fixture<T>(name: string): Promise<T>;
}
