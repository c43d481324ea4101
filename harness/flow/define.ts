/**
 * The suite API: a suite module default-exports defineFlow({...}), whose steps bind the
 * arrows of its diagram in order. See README.md and harness/flow/index.ts for an example.
 */
import type { Fixtures } from './fixtures.ts';
import type { ClientRole, EndpointName, Target, UserRole } from '../target/model.ts';
import type { FlowContext } from './context.ts';

/** A flow the target does not offer: the reason says why (it is shown in every report). */
export interface NotApplicable { reason: string }

/** Declarative preconditions: a flow whose needs the target does not meet is not applicable, with a generated reason. */
export interface FlowNeeds {
  /** Client roles the flow uses (Target.client(role)). */
  clients?: ClientRole[];
  /** User roles the flow signs in as. */
  users?: UserRole[];
  /** Metadata endpoints the flow calls. */
  endpoints?: EndpointName[];
  /** grant_types_supported must list each. */
  grantTypes?: string[];
  /** response_types_supported must list each (compared as sets of words). */
  responseTypes?: string[];
  /** A resource server (Target.resourceServer). */
  resourceServer?: boolean;
  /** The directory behind the target (Target.ldap). */
  ldap?: boolean;
  /** Login automation for the IdP's pages (Target.login). */
  login?: boolean;
}

/** A check as declared in the catalogue: its id is `<flow>/<step key>/<check key>`. */
export interface CheckDeclaration {
  /** What must hold, e.g. "authorization code reuse is refused with invalid_grant". `{name}` placeholders take ctx.check's `args`. */
  name: string;
  /** The spec that decides, e.g. "RFC 6749 §4.1.2". */
  spec: string;
  /** failure (default) fails the step; warning only marks it. A call may lower it to warning (a SHOULD unless advertised). */
  severity?: 'failure' | 'warning';
}

/** Check keys (lower-case words joined by "-") to their declarations. */
export type CheckCatalogue = Record<string, CheckDeclaration>;

export interface StepOptions<S = FlowState> {
  /** Overrides the target's step timeout (timeouts.stepMs) for this step. */
  timeoutMs?: number;
  /** The step's part of its checks' ids (`<flow>/<key>/<check>`); default: the arrow text, slugged. */
  key?: string;
  /** The checks this step may run, by key: `ctx.check(key, fn)`. Declared here once, listed by `nauthera checks`. */
  checks?: CheckCatalogue;
  /**
   * What the step cannot run without: state keys with what they hold ("the authorization
   * code"). A step whose needs an earlier step did not yield is skipped, naming what it
   * lacked and which step failed; every other step runs after a failure (docs/design.md, the model).
   */
  needs?: { [K in keyof S & string]?: string };
}

export type StepFn<S> = (ctx: FlowContext<S>) => Promise<void> | void;

export interface StepDefinition<S = FlowState> {
  /** Participant id or label, as in the diagram. */
  from: string;
  to: string;
  /** The arrow's message text, as in the diagram. */
  text: string;
  run: StepFn<S>;
  options: StepOptions<S>;
}

/** Default flow state: whatever the steps put there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FlowState = Record<string, any>;

export interface FlowDefinition<S = FlowState> {
  /** The flow id of docs/design.md, e.g. "authorization-code". */
  id: string;
  title: string;
  /** Path of the .mmd, relative to the project root, e.g. "diagrams/authorization-code.mmd". */
  diagram: string;
  needs?: FlowNeeds;
  /** Further applicability: true, or { reason } when the target does not offer the flow. */
  applicable?: (target: Target) => true | NotApplicable | Promise<true | NotApplicable>;
  /** Initial ctx.state (a fresh copy per run). */
  state?: () => S;
  /**
   * True for the flow that judges the discovery document itself: it runs even when the
   * document cannot be trusted (target.discoveryProblem), while every other flow is skipped.
   */
  judgesDiscovery?: boolean;
  /** What the flow needs nauthera to play beside the target (actors/), set up on a step's first ask (fixtures.ts). */
  fixtures?: Fixtures;
  steps: StepDefinition<S>[];
}

const flowBrand = Symbol.for('nauthera.flow');

/** Declares a flow. Returns the definition as given (checked), for `export default`. */
export function defineFlow<S = FlowState>(definition: FlowDefinition<S>): FlowDefinition<S> {
  for (const key of ['id', 'title', 'diagram'] as const) {
    if (typeof definition[key] !== 'string' || !definition[key]) throw new TypeError(`defineFlow: "${key}" must be a non-empty string`);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(definition.id)) throw new TypeError(`defineFlow: id "${definition.id}" must be lower-case words joined by "-"`);
  if (!Array.isArray(definition.steps)) throw new TypeError(`defineFlow(${definition.id}): "steps" must be an array of step(...)`);
  Object.defineProperty(definition, flowBrand, { value: true });
  return definition;
}

export function isFlowDefinition(value: unknown): value is FlowDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[flowBrand] === true;
}

/** Binds the next arrow `from ->> to: text` of the diagram to `run`. */
export function step<S = FlowState>(from: string, to: string, text: string, run: StepFn<S>, options: StepOptions<NoInfer<S>> = {}): StepDefinition<S> {
  if (typeof run !== 'function') throw new TypeError(`step(${from}, ${to}, ${text}): the fourth argument must be the step function`);
  if (options.key !== undefined && !idPart.test(options.key)) throw new TypeError(`step(${from}, ${to}, ${text}): key "${options.key}" must be lower-case words joined by "-"`);
  for (const [key, declaration] of Object.entries(options.checks ?? {})) {
    if (!idPart.test(key)) throw new TypeError(`step(${from}, ${to}, ${text}): check key "${key}" must be lower-case words joined by "-"`);
    if (!declaration || typeof declaration.name !== 'string' || typeof declaration.spec !== 'string') throw new TypeError(`step(${from}, ${to}, ${text}): check "${key}" needs a name and a spec`);
  }
  return { from, to, text, run, options };
}

/** One segment of a check id. */
export const idPart = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A text as an id segment: "Exchanges Authorization Code" → "exchanges-authorization-code". */
export function slug(text: string, maxWords = 6): string {
  const words = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  return words.slice(0, maxWords).join('-') || 'step';
}

/** The step's key: declared, or its arrow text slugged. */
export function stepKey(s: { text: string; options: { key?: string } }): string {
  return s.options.key ?? slug(s.text);
}
