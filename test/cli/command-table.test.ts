/**
 * Every command's option table drives its parsing, its --help and its usage errors: each
 * option the table declares is in the help and parses; an unknown option, a missing required
 * one, two answers of one group or half a pair is a usage error (exit 2) naming the problem.
 */
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../harness/cli.ts';
import { defineCommand, helpText, parseCommand, type CommandSpec } from '../../harness/commands/command-table.ts';
import { checksCommand } from '../../harness/commands/checks.ts';
import { diagramsCommand, extractCommand } from '../../harness/commands/diagrams.ts';
import { initCommand } from '../../harness/commands/init.ts';
import { ldapCommand } from '../../harness/commands/ldap.ts';
import { ldapWorkerCommand } from '../../harness/commands/ldap-worker.ts';
import { mergeCommand } from '../../harness/commands/merge.ts';
import { runCommand } from '../../harness/commands/run.ts';
import { serveCommand } from '../../harness/commands/serve.ts';
import { setupCommand } from '../../harness/commands/setup.ts';
import { UsageError } from '../../harness/cli-errors.ts';

const commands: CommandSpec[] = [runCommand, mergeCommand, checksCommand, diagramsCommand, extractCommand, serveCommand, ldapCommand, ldapWorkerCommand, initCommand, setupCommand];

/** Runs `nauthera <args>` in-process and returns the exit code with what it printed. */
async function nauthera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void err.push(String(line)));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each(commands.map((c) => [c.command, c] as const))('nauthera %s', (name, spec) => {
  it('prints the help its table makes, listing every option, and exits 0', async () => {
    const { code, out } = await nauthera([...name.split(' '), '--help']);
    expect(code).toBe(0);
    expect(out).toBe(helpText(spec));
    for (const option of Object.keys(spec.options)) expect(out).toContain(`--${option}`);
    expect(out).toMatch(/^exit codes: 0 /m);
  });

  it('refuses an unknown option with exit 2, naming it', async () => {
    const { code, err } = await nauthera([...name.split(' '), '--no-such-option']);
    expect(code).toBe(2);
    expect(err).toContain('unknown option --no-such-option');
    expect(err).toContain(`usage: nauthera ${name}`);
  });
});

describe('the rules of a table', () => {
  const spec = defineCommand({
    command: 'demo',
    description: 'a demo',
    operands: { name: 'DIR...', missing: 'name a directory' },
    options: {
      issuer: { type: 'string', value: 'URL', required: true, help: 'the issuer' },
      json: { type: 'boolean', oneOf: 'the output format', help: 'JSON' },
      markdown: { type: 'boolean', oneOf: 'the output format', help: 'Markdown' },
      user: { type: 'string', value: 'NAME', with: 'password', help: 'a user' },
      password: { type: 'string', value: 'PW', help: 'the password' },
      group: { type: 'string', value: 'DN', multiple: true, help: 'a group' },
    },
    exitCodes: { 0: 'done', 2: 'usage error' },
  });
  const error = (args: string[]) => {
    try {
      parseCommand(spec, args);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message.split('\n')[0];
    }
    throw new Error('parsed without an error');
  };

  it('parses values, lists and operands', () => {
    expect(parseCommand(spec, ['--issuer', 'https://a', '--group', 'g1', '--group', 'g2', '--json', 'd1', 'd2'])).toEqual({
      values: { issuer: 'https://a', group: ['g1', 'g2'], json: true },
      operands: ['d1', 'd2'],
    });
  });

  it('names what is wrong', () => {
    expect(error(['d'])).toBe('--issuer URL is required');
    expect(error(['--issuer', 'x', '--json', '--markdown', 'd'])).toBe('--json and --markdown are different answers to the output format; give one');
    expect(error(['--issuer', 'x', '--user', 'u', 'd'])).toBe('--user and --password go together');
    expect(error(['--issuer', 'x'])).toBe('name a directory');
    expect(error(['--issuer', 'x', '--jsn', 'd'])).toBe('unknown option --jsn (did you mean --json?)');
  });

  it('draws the synopsis from the table', () => {
    const synopsis = helpText(spec).split('\n\n')[0]!;
    expect(synopsis.split('\n').every((line) => line.length <= 96), 'wrapped at 96 columns').toBe(true);
    expect(synopsis.replace(/\s+/g, ' ')).toBe('usage: nauthera demo DIR... --issuer URL [--json | --markdown] [--user NAME --password PW] [--group DN...]');
  });
});
