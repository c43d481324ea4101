/**
 * The results model: what a run produces and what results.json holds.
 * Every report (JUnit, HTML, annotated diagrams) is derived from a RunResult.
 * Its JSON Schema is results.schema.json beside it; io.ts reads and writes the file, marks.ts
 * says how each status is shown.
 */

/** passed | failed | warning | skipped | not-applicable (docs/design.md, "The model"). */
export type Status = 'passed' | 'failed' | 'warning' | 'skipped' | 'not-applicable';

/** A failure-severity check failing fails its step; a warning-severity one only warns. */
export type Severity = 'failure' | 'warning';

/** One HTTP request and its response, recorded by harness/http with secrets masked. */
export interface HttpEvidence {
  kind: 'http';
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  /** Set when no response came back (connection refused, timeout...). */
  error?: string;
  durationMs: number;
}

/** A browser page that proved (or disproved) a check. */
export interface PageEvidence {
  kind: 'page';
  url: string;
  title?: string;
  /** Path of a screenshot, relative to the report directory. */
  screenshot?: string;
}

/** Anything else worth showing: a decoded token, an LDAP answer, a computed value. */
export interface NoteEvidence {
  kind: 'note';
  label: string;
  text: string;
}

export type Evidence = HttpEvidence | PageEvidence | NoteEvidence;

export interface CheckResult {
  /** Stable id, `<flow>/<step key>/<check key>` (absent in results written before ids). */
  id?: string;
  /** Stable, readable name, e.g. "code reuse is refused with invalid_grant". */
  name: string;
  /** Spec reference, e.g. "RFC 6749 §4.1.2". */
  spec: string;
  severity: Severity;
  /**
   * At either severity: a failure check ends as 'warning' when it missed a SHOULD while every
   * MUST held; a warning check that fails never fails its step.
   */
  status: Status;
  /** Why it passed or failed, in one sentence naming the condition. */
  detail: string;
  evidence?: Evidence[];
  /**
   * How many of `evidence`, from the start, the check recorded itself: the exchanges it made, the
   * response or page it judged, notes given to it. The rest is its arrow's evidence it was handed
   * without judging (the sign-in pages before a redirect, exchanges after the step's last check).
   * Absent when all of it is the check's own (and in files written before the split).
   */
  ownEvidence?: number;
  /** Set when the failure is listed in the target's expected-failures file. */
  expectedFailure?: string;
  /** Time the check took. */
  durationMs?: number;
}

export interface StepResult {
  /** Position of the arrow in its diagram, from 0. */
  index: number;
  /** Participant ids as written in the diagram. */
  from: string;
  to: string;
  text: string;
  status: Status;
  durationMs: number;
  checks: CheckResult[];
  /** Why a step is skipped or not applicable. */
  reason?: string;
  /** 1-based line of the arrow in the .mmd source. */
  line?: number;
}

export interface FlowResult {
  id: string;
  title: string;
  /** Path of the .mmd source, relative to the project root. */
  diagram: string;
  status: Status;
  reason?: string;
  durationMs: number;
  steps: StepResult[];
}

export interface RunResult {
  version: 1;
  target: RunTarget;
  startedAt: string;
  durationMs: number;
  flows: FlowResult[];
  /** Where `nauthera run` spent its time (absent from runs made otherwise, and from older files). */
  phases?: RunPhases;
  /** This run was one shard of several (`--shard i/n`); absent from whole and merged runs. */
  shard?: RunShard;
}

export interface RunShard {
  /** From 1. */
  index: number;
  total: number;
  /** Every flow of the whole selection, in the order one unsharded run lists them. */
  flows: string[];
}

export interface RunTarget {
  kind: 'reference' | 'external';
  issuer: string;
  /** The config file given with --config. */
  config?: string;
  /**
   * Discovery members the config's `metadata` set to something other than the document gave,
   * by member name; `discovered` is null where the document lacks the member. Absent when none
   * (and in older files).
   */
  metadataOverrides?: Record<string, MetadataOverride>;
}

export interface MetadataOverride {
  discovered: unknown;
  configured: unknown;
}

/** `nauthera run`'s phases, in ms from the command's own clock; each flow's time is its durationMs. */
export interface RunPhases {
  /** From the command's start to the first flow: systemCheckMs + targetStartMs + suitesLoadMs and the gaps. */
  setupMs: number;
  /** Finding Chromium (and, for the reference target, slapd). */
  systemCheckMs: number;
  /** The target resolved: for the reference target, OpenLDAP and the reference server started. */
  targetStartMs: number;
  /** Importing the suites. */
  suitesLoadMs: number;
  /** Every flow, from the first start to the last end (the run's durationMs). */
  flowsMs: number;
  /** How many flows ran at once. */
  workers?: number;
  /** The diagram renderer's start (browser launch, page, mermaid loaded), overlapping the flows. */
  rendererStartMs?: number;
  /** After the last flow: target stop, results.json, junit.xml, diagrams, report.html. */
  reportsMs?: number;
}

export const statuses: readonly Status[] = ['passed', 'failed', 'warning', 'skipped', 'not-applicable'];
