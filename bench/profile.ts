/** Reads a V8 .cpuprofile (node --cpu-prof) into self time per function and per package. */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  name: string;
  where: string;
  ms: number;
  percent: number;
}

/** The package a script belongs to: node_modules/<pkg>, node: internals, or the project. */
export function areaOf(url: string, root: string): string {
  if (!url) return '(native / GC / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm) return nm[1];
  const rel = relative(root, path);
  return rel.startsWith('..') ? path : rel.split('/').slice(0, 2).join('/');
}

export function hotSpots(profile: CpuProfile, root: string): { functions: HotSpot[]; packages: HotSpot[]; totalMs: number } {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, HotSpot>();
  const byArea = new Map<string, HotSpot>();
  let totalUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(root, fileURLToPath(url)) : url;
    const where = url ? `${file}:${lineNumber + 1}` : '';
    const name = functionName || (url ? '(anonymous)' : '(program)');
    const key = `${name} ${where}`;
    const f = byFunction.get(key) ?? { name, where, ms: 0, percent: 0 };
    f.ms += us / 1000;
    byFunction.set(key, f);
    const area = node.callFrame.functionName === '(idle)' ? '(idle)' : areaOf(url, root);
    const a = byArea.get(area) ?? { name: area, where: '', ms: 0, percent: 0 };
    a.ms += us / 1000;
    byArea.set(area, a);
  }
  const busyMs = (totalUs - (byArea.get('(idle)')?.ms ?? 0) * 1000) / 1000;
  const finish = (m: Map<string, HotSpot>) =>
    [...m.values()]
      .filter((h) => h.name !== '(idle)')
      .map((h) => ({ ...h, percent: busyMs > 0 ? (h.ms / busyMs) * 100 : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return { functions: finish(byFunction), packages: finish(byArea), totalMs: totalUs / 1000 };
}
