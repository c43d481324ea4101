/** An unknown command, flag or flow id names the closest known one; --version prints the package's. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest } from '../../harness/commands/did-you-mean.ts';
import { projectRoot } from '../../harness/flow/runner.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(projectRoot, 'bin/nauthera.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('closest', () => {
  it('finds a swapped pair, a missing letter and a wrong one', () => {
    expect(closest('rnu', ['run', 'serve', 'setup'])).toBe('run');
    expect(closest('refresh-tokn', ['refresh-token', 'device-code'])).toBe('refresh-token');
    expect(closest('--flowz', ['--flows', '--out'])).toBe('--flows');
  });
  it('suggests nothing when nothing is close', () => {
    expect(closest('frobnicate', ['run', 'serve', 'setup'])).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });
});

describe('the command line', () => {
  it('prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const result = cli('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
  it('names the closest command, flag and flow id, and exits 2', () => {
    const command = cli('rnu');
    expect(command.status).toBe(2);
    expect(command.stderr).toContain('unknown command "rnu" (did you mean "run"?)');
    const flag = cli('run', '--flowz', 'discovery');
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unknown option --flowz (did you mean --flows?)');
    const flow = cli('run', '--flows', 'refresh-tokn');
    expect(flow.status).toBe(2);
    expect(flow.stderr).toContain('unknown flow id "refresh-tokn" (did you mean "refresh-token"?)');
  });
});
