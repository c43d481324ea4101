/**
 * Servers under load run in child processes of their own, so the load generator never shares
 * their event loop. A child announces itself with one JSON line on stdout; stop() sends
 * SIGTERM to that child's pid (never a process group or a name), waits, then SIGKILLs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child<T> {
  info: T;
  pid: number;
  /** The last lines the child wrote to stderr (for error messages). */
  stderrTail(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// A crash of the bench still takes its servers down (each also stops its own slapd on SIGTERM).
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startChild<T>(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; readyTimeoutMs?: number; label: string }): Promise<Child<T>> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const tail: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(...chunk.split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    live.delete(child);
  };
  try {
    const info = await new Promise<T>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error(`${options.label} did not start within ${(options.readyTimeoutMs ?? 60_000) / 1000} s`)), options.readyTimeoutMs ?? 60_000);
      lines.on('line', (line) => {
        if (!line.trimStart().startsWith('{')) return;
        try {
          const parsed = JSON.parse(line) as T;
          clearTimeout(timer);
          resolve(parsed);
        } catch {
          // not the announcement line
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${options.label} exited (${code}) before it was ready: ${tail.slice(-5).join(' / ')}`));
      });
    });
    return { info, pid: child.pid!, stderrTail: () => tail.join('\n'), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
