/**
 * One declarative table per command: its options (with their value names and help), its
 * operands and its exit codes. The same table drives the parsing (node's parseArgs), the
 * --help text and the usage errors, so the three cannot disagree. A usage error exits 2
 * (UsageError); --help prints the text and the command exits 0.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-errors.ts';
import { didYouMean } from './did-you-mean.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once (the values come as a list). */
  multiple?: boolean;
  /** The value's name in the help and the synopsis: FILE, URL, N. */
  value?: string;
  required?: boolean;
  /** Options of one group are different answers to one question: at most one may be given. */
  oneOf?: string;
  /** The option that must come with this one (both or neither). */
  with?: string;
  /** The help text; a new line continues under the first. */
  help: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** `run`, or `diagrams extract` for a sub-command. */
  command: string;
  /** What the command does, shown under the synopsis. */
  description: string;
  /** Operands after the options, e.g. `DIR...`; without this, an operand is a usage error. */
  operands?: { name: string; missing: string };
  options: O;
  /** Text after the options (formats, environment variables). */
  notes?: string;
  exitCodes: { 0: string; 1?: string; 2: string };
  /** Rewrites a parse error before it is shown (parseArgs quotes stray arguments, which may hold a password). */
  redact?: (message: string) => string;
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean' ? boolean : S['multiple'] extends true ? string[] : string;
/** The parsed values: a required option is always there (parseCommand refuses its absence). */
export type OptionValues<O extends Record<string, OptionSpec>> =
  & { [K in keyof O as O[K]['required'] extends true ? K : never]: ValueOf<O[K]> }
  & { [K in keyof O as O[K]['required'] extends true ? never : K]?: ValueOf<O[K]> };

/** Declares a command's table, keeping its option names and types for the parsed values. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

const helpOption: OptionSpec = { type: 'boolean', short: 'h', help: 'this help' };
const width = 96;

function flagText(name: string, option: OptionSpec): string {
  return `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` ${option.value}` : ''}`;
}

/** The synopsis: required options, then the optional ones in brackets, a group as [--a | --b], a pair together. */
function synopsis(spec: CommandSpec): string {
  const parts: string[] = [];
  const done = new Set<string>();
  const usageOf = (name: string, o: OptionSpec) => `--${name}${o.value ? ` ${o.value}` : ''}`;
  for (const [name, o] of Object.entries(spec.options)) {
    if (done.has(name)) continue;
    if (o.oneOf) {
      const group = Object.entries(spec.options).filter(([, x]) => x.oneOf === o.oneOf);
      for (const [n] of group) done.add(n);
      parts.push(`[${group.map(([n, x]) => usageOf(n, x)).join(' | ')}]`);
    } else if (o.with && spec.options[o.with]) {
      done.add(name).add(o.with);
      parts.push(`[${usageOf(name, o)} ${usageOf(o.with, spec.options[o.with])}]`);
    } else {
      done.add(name);
      const text = `${usageOf(name, o)}${o.multiple ? '...' : ''}`;
      parts.push(o.required ? text : `[${text}]`);
    }
  }
  if (spec.operands) parts.unshift(spec.operands.name);
  const head = `usage: nauthera ${spec.command}`;
  const lines: string[] = [];
  let line = head;
  for (const part of parts) {
    if (line.length + 1 + part.length > width && line !== head) {
      lines.push(line);
      line = `${' '.repeat(head.length)} ${part}`;
    } else line += ` ${part}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The --help text: synopsis, description, the option table, notes and exit codes. */
export function helpText(spec: CommandSpec): string {
  const entries = [...Object.entries(spec.options), ['help', helpOption] as const];
  const flags = entries.map(([name, o]) => flagText(name, o));
  const column = Math.min(26, Math.max(...flags.map((f) => f.length)) + 3);
  const rows = entries.flatMap(([, o], i) => {
    const [first, ...rest] = o.help.split('\n');
    const flag = `  ${flags[i]}`;
    const lead = flag.length + 2 <= column + 2 ? [`${flag.padEnd(column + 2)}${first}`] : [flag, `${' '.repeat(column + 2)}${first}`];
    return [...lead, ...rest.map((l) => `${' '.repeat(column + 2)}${l}`)];
  });
  const codes = Object.entries(spec.exitCodes).map(([code, meaning]) => `${code} ${meaning}`);
  return [synopsis(spec), '', spec.description, '', 'options:', ...rows, ...(spec.notes ? ['', spec.notes] : []), '', ...wrap('exit codes: ', codes)].join('\n');
}

/** `lead` then the items joined with commas, wrapped at the help's width under the first item. */
function wrap(lead: string, items: string[]): string[] {
  const lines: string[] = [];
  let line = lead;
  items.forEach((item, i) => {
    const text = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line.length + 1 + text.length > width && line.trim() !== lead.trim()) {
      lines.push(line);
      line = `${' '.repeat(lead.length)}${text}`;
    } else line += `${line === lead ? '' : ' '}${text}`;
  });
  return [...lines, line];
}

/**
 * The parsed options and operands, or undefined once --help was printed. Every rule of the
 * table is checked here: unknown options (with the closest known one), required options,
 * one of a group, pairs, operands.
 */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, args: string[]): { values: OptionValues<O>; operands: string[] } | undefined {
  const help = helpText(spec);
  const redact = spec.redact ?? ((m: string) => m);
  const usageError = (message: string) => new UsageError(`${message}\n\n${help}`);
  const options = Object.fromEntries([...Object.entries(spec.options), ['help', helpOption] as const].map(([name, o]) => [
    name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
  ]));
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(redact(unknownOptionMessage(error as Error, Object.keys(options)) ?? (error as Error).message));
  }
  if (parsed.values.help) {
    console.log(help);
    return undefined;
  }
  const given = (name: string) => parsed.values[name] !== undefined;
  if (!spec.operands && parsed.positionals.length > 0) throw usageError(redact(`unexpected argument "${parsed.positionals[0]}"`));
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && !given(name)) throw usageError(`--${name}${o.value ? ` ${o.value}` : ""} is required`);
    if (o.with && given(name) !== given(o.with)) throw new UsageError(`--${name} and --${o.with} go together`);
  }
  const groups = new Set(Object.values(spec.options).flatMap((o) => (o.oneOf ? [o.oneOf] : [])));
  for (const group of groups) {
    const chosen = Object.entries(spec.options).filter(([name, o]) => o.oneOf === group && given(name)).map(([name]) => `--${name}`);
    if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} are different answers to ${group}; give one`);
  }
  if (spec.operands && parsed.positionals.length === 0) throw usageError(spec.operands.missing);
  return { values: parsed.values as OptionValues<O>, operands: parsed.positionals };
}

/** parseArgs' unknown-option message, shortened and with the closest known flag. */
function unknownOptionMessage(error: Error & { code?: string }, names: string[]): string | undefined {
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const typed = /Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (!typed) return undefined;
  return `unknown option ${typed}${didYouMean(typed, names.map((name) => `--${name}`), (s) => s)}`;
}
