/**
 * The fault catalogue as vitest suites: every deliberate fault of the reference server
 * (reference-server/config/faults/) is caught by exactly its checks, on their arrows, and
 * nothing else fails. Faults run in batches that cannot interact (batches.ts). The batches are
 * shared out between test files (catalogue-1/2.test.ts) so that vitest's workers run them side
 * by side. NAUTHERA_FAULTS=a,b runs only those, NAUTHERA_FAULTS_ALONE=1 each on its own server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { faultProofs } from '../proofs/index.ts';
import { disturbedArrows, planBatches, runBatch, selectProofs, unexpectedOf, verdictOf, type BatchOutcome } from './batches.ts';

/** Declares the batches whose index modulo `parts` is `part` (0-based). */
export function describeFaultBatches(part: number, parts: number): void {
  const batches = planBatches(selectProofs(faultProofs));
  // A selection (NAUTHERA_FAULTS) of fewer batches than files leaves a file without one.
  if (!batches.some((_, n) => n % parts === part)) it.skip(`no batch of the ${batches.length} selected falls to part ${part + 1} of ${parts}`);
  for (const [n, batch] of batches.entries()) {
    if (n % parts !== part) continue;
    const names = batch.proofs.map((p) => p.fault).join(', ');
    describe(`fault batch ${n + 1}/${batches.length}: ${names}`, () => {
      let outcome: BatchOutcome;
      beforeAll(async () => {
        outcome = await runBatch(batch);
      }, 600_000);

      for (const proof of batch.proofs) {
        it(`${proof.fault} fails ${proof.expected.map((e) => `${e.id} on "${e.step}"`).join(', ')}`, () => {
          const verdict = verdictOf(proof, outcome);
          for (const e of verdict.expected) {
            expect(e.caught, `${e.id} on "${e.step}": seen ${JSON.stringify(e.seen)}`).toBe(true);
          }
        });
      }

      it(`nothing else fails across ${batch.flows.length} flows`, () => {
        const extra = unexpectedOf(outcome);
        expect(extra.map((u) => `${u.flow}: ${u.key}: ${u.detail}`)).toEqual([]);
        expect(disturbedArrows(outcome)).toEqual([]);
      });
    });
  }
}
