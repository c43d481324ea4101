/**
 * Assertions that explain themselves: each failure names the condition, what was
 * expected and what came back ("error: expected \"invalid_grant\", got \"invalid_request\"");
 * each pass adds a line to the check's detail ("token_type is \"Bearer\"").
 */
import { isDeepStrictEqual } from 'node:util';
import { maskValue } from '../http/mask.ts';

/** A failed condition; its message is the check's detail. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** Short, JSON-like rendering of a value for a detail; secrets masked by the subject's name. */
export function show(value: unknown, what = ''): string {
  if (value === undefined) return 'nothing (absent)';
  if (typeof value === 'string') {
    const key = what.split(/[\s.]+/).pop() ?? '';
    const masked = key ? maskValue(key, value) : value;
    const s = JSON.stringify(masked);
    return s.length > 160 ? `${s.slice(0, 157)}…"` : s;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return String(value);
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

export interface Expectation<T> {
  /** Negates the next matcher. */
  readonly not: Expectation<T>;
  /** Same value (Object.is). */
  toBe(expected: T | unknown): void;
  /** Deeply equal. */
  toEqual(expected: unknown): void;
  /** Neither undefined nor null. */
  toBeDefined(): void;
  toBeTruthy(): void;
  /** A string matching the pattern (a string pattern must be contained). */
  toMatch(pattern: RegExp | string): void;
  /** An array holding the item, or a string holding the substring. */
  toContain(item: unknown): void;
  toBeOneOf(values: readonly unknown[]): void;
  /** A non-empty string. */
  toBeNonEmptyString(): void;
  /** A finite number. */
  toBeNumber(): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThan(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  /** An object with this own property (not undefined). */
  toHaveProperty(key: string): void;
}

interface Matcher {
  /** Whether the condition holds. */
  test: () => boolean;
  /** What was expected, as a noun phrase: "\"Bearer\"", "present", "one of 400, 401". */
  expected: string;
}

export function makeExpectation<T>(actual: T, what: string, onPass: (line: string) => void, negated = false): Expectation<T> {
  const run = ({ test, expected }: Matcher) => {
    const held = test();
    if (held !== negated) {
      onPass(`${what} is ${negated ? 'not ' : ''}${expected}`);
      return;
    }
    throw new CheckFailure(`${what}: expected ${negated ? 'not ' : ''}${expected}, got ${show(actual, what)}`);
  };
  const num = () => typeof actual === 'number' && Number.isFinite(actual);
  const expectation: Expectation<T> = {
    get not() {
      return makeExpectation(actual, what, onPass, !negated);
    },
    toBe: (expected) => run({ test: () => Object.is(actual, expected), expected: show(expected, what) }),
    toEqual: (expected) => run({ test: () => isDeepStrictEqual(actual, expected), expected: show(expected, what) }),
    toBeDefined: () => run({ test: () => actual !== undefined && actual !== null, expected: 'present' }),
    toBeTruthy: () => run({ test: () => Boolean(actual), expected: 'truthy' }),
    toMatch: (pattern) => run({
      test: () => typeof actual === 'string' && (typeof pattern === 'string' ? actual.includes(pattern) : pattern.test(actual)),
      expected: `a string matching ${typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern)}`,
    }),
    toContain: (item) => run({
      test: () => (Array.isArray(actual) ? actual.some((x) => isDeepStrictEqual(x, item)) : typeof actual === 'string' && typeof item === 'string' && actual.includes(item)),
      expected: `something containing ${show(item)}`,
    }),
    toBeOneOf: (values) => run({ test: () => values.some((v) => isDeepStrictEqual(actual, v)), expected: `one of ${values.map((v) => show(v, what)).join(', ')}` }),
    toBeNonEmptyString: () => run({ test: () => typeof actual === 'string' && actual.length > 0, expected: 'a non-empty string' }),
    toBeNumber: () => run({ test: num, expected: 'a number' }),
    toBeGreaterThan: (n) => run({ test: () => num() && (actual as number) > n, expected: `greater than ${n}` }),
    toBeGreaterThanOrEqual: (n) => run({ test: () => num() && (actual as number) >= n, expected: `at least ${n}` }),
    toBeLessThan: (n) => run({ test: () => num() && (actual as number) < n, expected: `less than ${n}` }),
    toBeLessThanOrEqual: (n) => run({ test: () => num() && (actual as number) <= n, expected: `at most ${n}` }),
    toHaveProperty: (key) => run({
      test: () => typeof actual === 'object' && actual !== null && (actual as Record<string, unknown>)[key] !== undefined,
      expected: `an object with "${key}"`,
    }),
  };
  return expectation;
}
