/**
 * Request parameters with the two rules of RFC 6749 §3.1 and §3.2: a parameter sent without
 * a value is treated as omitted, and a parameter MUST NOT be included more than once.
 */
import { InvalidRequest } from '../errors.ts';

export class Params {
  private constructor(private readonly entries: Map<string, string[]>) {}

  static from(search: URLSearchParams): Params {
    const entries = new Map<string, string[]>();
    for (const [name, value] of search) {
      if (value === '') continue;
      const list = entries.get(name);
      if (list) list.push(value);
      else entries.set(name, [value]);
    }
    return new Params(entries);
  }

  static empty(): Params {
    return new Params(new Map());
  }

  /** The single value of name, or undefined; InvalidRequest when it is repeated. */
  get(name: string): string | undefined {
    const list = this.entries.get(name);
    if (!list) return undefined;
    if (list.length > 1) throw new InvalidRequest(`parameter "${name}" is included more than once`);
    return list[0];
  }

  /** Like get(), but InvalidRequest when it is absent. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new InvalidRequest(`parameter "${name}" is missing`);
    return value;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every parameter as one value each, throwing on repeats (used to store a validated request). */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const name of this.entries.keys()) record[name] = this.get(name)!;
    return record;
  }

  /** The first repeated parameter name, if any. */
  firstRepeated(): string | undefined {
    for (const [name, list] of this.entries) if (list.length > 1) return name;
    return undefined;
  }
}
