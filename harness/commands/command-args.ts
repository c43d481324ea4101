/**
 * The flags of a sub-command: node's parseArgs plus -h/--help, the same way in every command.
 * A flag parseArgs refuses is a UsageError followed by the help text (exit 2); --help prints
 * the help text, and the command exits 0.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../cli-errors.ts';
import { didYouMean } from './did-you-mean.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof helpOption }>>['values'];

/**
 * The parsed flags, or undefined once --help was printed. `redact` rewrites parseArgs' message
 * before it is shown (parseArgs quotes stray arguments, which may hold a password).
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, help: string, redact: (message: string) => string = (m) => m): Values<O> | undefined {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args, options: { ...options, ...helpOption } }));
  } catch (error) {
    throw new UsageError(`${redact(unknownOptionMessage(error as Error, options) ?? (error as Error).message)}\n\n${help}`);
  }
  if ((values as { help?: boolean }).help) {
    console.log(help);
    return undefined;
  }
  return values;
}

/** parseArgs' unknown-option message, shortened and with the closest known flag. */
function unknownOptionMessage(error: Error & { code?: string }, options: Options): string | undefined {
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const typed = /Unknown option '([^']+)'/.exec(error.message)?.[1];
  if (!typed) return undefined;
  const flags = [...Object.keys(options), 'help'].map((name) => `--${name}`);
  return `unknown option ${typed}${didYouMean(typed, flags, (s) => s)}`;
}

/** The same, for a command that also takes operands (`nauthera merge DIR...`): the flags and the operands. */
export function parseCommandArgsAndOperands<O extends Options>(args: string[], options: O, help: string): { values: Values<O>; operands: string[] } | undefined {
  let parsed: { values: Values<O>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...options, ...helpOption }, allowPositionals: true }) as unknown as { values: Values<O>; positionals: string[] };
  } catch (error) {
    throw new UsageError(`${unknownOptionMessage(error as Error, options) ?? (error as Error).message}\n\n${help}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return undefined;
  }
  return { values: parsed.values, operands: parsed.positionals };
}
