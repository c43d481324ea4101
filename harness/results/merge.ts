/**
 * The shards of one run (`nauthera run --shard i/n` on n machines) back into one run, as one
 * unsharded run would have written it: every flow once, in the selection's order, the earliest
 * start and the longest shard's duration (the shards ran side by side). Shards that do not
 * belong together are refused with what is wrong: a missing or repeated shard, another target,
 * another selection, a flow twice.
 */
import { ConfigError } from '../cli-errors.ts';
import type { FlowResult, RunResult } from './model.ts';

export interface ShardRun {
  /** Where it was read from, for messages. */
  from: string;
  run: RunResult;
}

export function mergeShards(shards: ShardRun[]): RunResult {
  if (shards.length === 0) throw new ConfigError('nothing to merge: give the report directories of the shards');
  for (const { from, run } of shards) {
    if (!run.shard) throw new ConfigError(`${from} is not a shard (its run had no --shard): merge only the reports of \`nauthera run --shard i/n\``);
  }
  const first = shards[0]!.run;
  const { total, flows: selection } = first.shard!;
  for (const { from, run } of shards) {
    const shard = run.shard!;
    if (shard.total !== total) throw new ConfigError(`${from} is shard ${shard.index}/${shard.total}, but ${shards[0]!.from} is one of ${total}`);
    if (shard.flows.join(',') !== selection.join(',')) throw new ConfigError(`${from} selected other flows (${shard.flows.join(', ')}) than ${shards[0]!.from} (${selection.join(', ')})`);
    if (run.target.kind !== first.target.kind) throw new ConfigError(`${from} ran against the ${run.target.kind} target, ${shards[0]!.from} against the ${first.target.kind} one`);
    // Each shard of the reference target starts its own server, on its own port: only an external issuer must match.
    if (run.target.kind === 'external' && run.target.issuer !== first.target.issuer) {
      throw new ConfigError(`${from} ran against ${run.target.issuer}, ${shards[0]!.from} against ${first.target.issuer}`);
    }
  }
  const seen = new Map<number, string>();
  for (const { from, run } of shards) {
    const other = seen.get(run.shard!.index);
    if (other) throw new ConfigError(`shard ${run.shard!.index}/${total} is given twice: ${other} and ${from}`);
    seen.set(run.shard!.index, from);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new ConfigError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: give all ${total} report directories`);

  const byId = new Map<string, FlowResult>();
  for (const { from, run } of shards) {
    for (const flow of run.flows) {
      if (byId.has(flow.id)) throw new ConfigError(`flow ${flow.id} is in two shards (${from} and another)`);
      if (!selection.includes(flow.id)) throw new ConfigError(`${from} holds flow ${flow.id}, which its selection does not list`);
      byId.set(flow.id, flow);
    }
  }
  const absent = selection.filter((id) => !byId.has(id));
  if (absent.length > 0) throw new ConfigError(`no shard holds flow${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`);

  const startedAt = shards.map((s) => s.run.startedAt).sort()[0]!;
  const { shard: _shard, phases: _phases, ...rest } = first;
  return {
    ...rest,
    startedAt,
    durationMs: Math.max(...shards.map((s) => s.run.durationMs)),
    flows: selection.map((id) => byId.get(id)!),
  };
}
