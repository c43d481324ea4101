/**
 * Fixtures: what a flow needs that nauthera plays beside the target (actors/: the sample app
 * of the JWT drawing), declared with the flow, Playwright-style. A fixture is a function that
 * sets its value up, hands it over with `use(value)` and tears it down when `use` returns,
 * which is after the flow's last step:
 *
 *   fixtures: {
 *     sampleApp: async ({ target }, use) => {
 *       const app = await startSampleApp({ issuer: target.issuer, ... });
 *       await use(app);
 *       await app.stop();
 *     },
 *   },
 *
 * A step asks for it with `await ctx.fixture<SampleApp>('sampleApp')`: it is set up on the first
 * ask (so a flow that never needs it never starts it, and a set-up that fails fails the check
 * that asked), and the same value is handed to every later ask.
 */
import type { Target } from '../target/model.ts';

export interface FixtureArgs {
  target: Target;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fixture<T = any> = (args: FixtureArgs, use: (value: T) => Promise<void>) => Promise<void>;

export type Fixtures = Record<string, Fixture>;

interface Instance {
  value: Promise<unknown>;
  tearDown: () => Promise<void>;
}

/** The fixtures of one flow run: set up on first ask, torn down together at the flow's end. */
export class FixtureScope {
  private readonly instances = new Map<string, Instance>();

  constructor(
    private readonly declared: Fixtures,
    private readonly args: FixtureArgs,
  ) {}

  get<T>(name: string): Promise<T> {
    let instance = this.instances.get(name);
    if (!instance) {
      const fixture = Object.hasOwn(this.declared, name) ? this.declared[name] : undefined;
      if (!fixture) return Promise.reject(new Error(`the flow declares no fixture "${name}" (fixtures: ${Object.keys(this.declared).join(', ') || 'none'})`));
      instance = this.setUp(name, fixture);
      this.instances.set(name, instance);
    }
    return instance.value as Promise<T>;
  }

  private setUp(name: string, fixture: Fixture): Instance {
    let provide!: (value: unknown) => void;
    let refuse!: (error: unknown) => void;
    const value = new Promise<unknown>((resolve, reject) => {
      provide = resolve;
      refuse = reject;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const running = fixture(this.args, async (v) => {
      provide(v);
      await released;
    }).then(
      () => refuse(new Error(`fixture "${name}" ended without calling use()`)),
      (error: unknown) => refuse(error),
    );
    // A set-up that fails is seen by the step that asked; nothing else awaits `value` then.
    value.catch(() => {});
    return {
      value,
      tearDown: async () => {
        release();
        await running;
      },
    };
  }

  /** Tears every fixture down, the last set up first. A tear-down never changes a verdict. */
  async tearDown(): Promise<void> {
    for (const instance of [...this.instances.values()].reverse()) await instance.tearDown().catch(() => {});
    this.instances.clear();
  }
}
