/**
 * CPU time a process has used (user + system, from /proc/<pid>/stat), so a figure can be put
 * per CPU-second of the server rather than per second of a machine it shares: on a loaded
 * machine, requests per CPU-second of an instance is what it would serve on a core of its own.
 * Linux only; null elsewhere or when the process is gone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds used by the process so far, or null. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // proc(5): the command name (field 2) is in parentheses and may hold spaces; utime and
    // stime are fields 14 and 15, the 12th and 13th after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : null;
  } catch {
    return null;
  }
}

/** The CPU milliseconds the processes use between its call and the call of what it returns. */
export function cpuMeter(pids: number[]): () => number | null {
  const before = pids.map(cpuMs);
  return () => {
    let total = 0;
    for (const [i, pid] of pids.entries()) {
      const start = before[i];
      const end = cpuMs(pid);
      if (start === null || start === undefined || end === null) return null;
      total += end - start;
    }
    return total;
  };
}
