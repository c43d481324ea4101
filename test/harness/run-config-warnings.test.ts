/**
 * `nauthera run` warns about config entries that name no flow or no check, and gives an
 * expected failure named by its check's name (deprecated) the id to use instead.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWarnings } from '../../harness/commands/run.ts';
import { importSuite, listSuites } from '../../harness/flow/load-suites.ts';
import { projectRoot } from '../../harness/flow/runner.ts';

const entries = listSuites(join(projectRoot, 'suites')).filter((e) => e.id === 'authorization-code');

describe('config warnings of nauthera run', () => {
  it('names the id for a check named by its name, and flags ids and flows that do not exist', async () => {
    const suites = await Promise.all(entries.map((e) => importSuite(e)));
    const warnings = configWarnings({
      skipFlows: [{ flow: 'no-such-flow', reason: 'x' }],
      expectedFailures: [
        { flow: 'authorization-code', check: 'state is echoed unchanged', reason: 'legacy entry' },
        { flow: 'authorization-code', id: 'authorization-code/token/no-such-check', reason: 'typo' },
        { flow: 'authorization-code', id: 'authorization-code/token/code-reuse-refused', reason: 'fine' },
      ],
    }, entries.map((e) => e.id), suites);
    expect(warnings).toEqual([
      'skipFlows[0].flow "no-such-flow" is not a known flow',
      'expectedFailures[0].check names a check by its name, which is deprecated: use "id": "authorization-code/authorization-response/state-echoed-unchanged"',
      'expectedFailures[1].id "authorization-code/token/no-such-check" is not a check of any suite (nauthera checks --flow authorization-code lists them)',
    ]);
  });
});
