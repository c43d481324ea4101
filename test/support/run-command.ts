/**
 * A command as a child process, for tests that run nauthera (or npm) the way a user does: its
 * output collected, and a hang a failure of its own, killed past the deadline and reported
 * with the end of what it printed. Asynchronous, so servers in the test's process keep answering.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../harness/flow/runner.ts';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** The whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export function runCommand(command: string, args: string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s\n${stdout.slice(-2000)}\n${stderr.slice(-4000)}`));
    }, options.timeoutMs);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    const done = (code: number | null) => { clearTimeout(timer); resolve({ code, stdout, stderr }); };
    child.once('close', done);
    // A process the command left running (a directory server, a browser) may hold its output
    // open after it exited, and then 'close' never comes: what it printed is read by then.
    child.once('exit', (code) => { setTimeout(() => done(code), 1_000).unref(); });
  });
}

/** The checkout's `nauthera` command (bin/nauthera.js) on this Node. */
export function runNauthera(args: string[], options: RunOptions): Promise<Ran> {
  return runCommand(process.execPath, [join(projectRoot, 'bin/nauthera.js'), ...args], options);
}
