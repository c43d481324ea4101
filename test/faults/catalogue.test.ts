/**
 * The fault catalogue (test/faults/proofs/): every deliberate fault of the reference server
 * (reference-server/config/faults/) is caught by exactly its checks, on their arrows, and
 * nothing else fails. Faults run in batches that cannot interact (support/batches.ts);
 * NAUTHERA_FAULTS=a,b runs only those, NAUTHERA_FAULTS_ALONE=1 runs each on its own server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { faultProofs } from './proofs/index.ts';
import { disturbedArrows, planBatches, runBatch, selectProofs, unexpectedOf, verdictOf, type BatchOutcome } from './support/batches.ts';

const batches = planBatches(selectProofs(faultProofs));

for (const [n, batch] of batches.entries()) {
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
