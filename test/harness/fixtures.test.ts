/**
 * Flow fixtures (harness/flow/fixtures.ts): set up on the first ask, one value for every ask,
 * torn down (the code after use()) only at the end, the last set up first; a set-up that
 * throws rejects the ask; an undeclared name is named.
 */
import { describe, expect, it } from 'vitest';
import { FixtureScope, type Fixtures } from '../../harness/flow/fixtures.ts';
import type { Target } from '../../harness/target/model.ts';

const target = { issuer: 'https://idp.example' } as Target;

describe('FixtureScope', () => {
  it('sets up on the first ask, hands the same value to every ask, and tears down at the end in reverse', async () => {
    const log: string[] = [];
    const fixtures: Fixtures = {
      app: async ({ target: t }, use) => {
        log.push(`set up app for ${t.issuer}`);
        await use({ name: 'app' });
        log.push('tear down app');
      },
      worker: async (_args, use) => {
        log.push('set up worker');
        await use('worker');
        log.push('tear down worker');
      },
      unused: async (_args, use) => {
        log.push('set up unused');
        await use(0);
      },
    };
    const scope = new FixtureScope(fixtures, { target });
    const first = await scope.get<{ name: string }>('app');
    expect(await scope.get('app')).toBe(first);
    expect(await scope.get('worker')).toBe('worker');
    expect(log).toEqual(['set up app for https://idp.example', 'set up worker']);
    await scope.tearDown();
    expect(log).toEqual(['set up app for https://idp.example', 'set up worker', 'tear down worker', 'tear down app']);
  });

  it('rejects the ask when the set-up throws or never calls use(), and names an undeclared fixture', async () => {
    const scope = new FixtureScope({
      broken: async () => {
        throw new Error('the app could not register');
      },
      silent: async () => {},
    }, { target });
    await expect(scope.get('broken')).rejects.toThrow('the app could not register');
    await expect(scope.get('silent')).rejects.toThrow('fixture "silent" ended without calling use()');
    await expect(scope.get('nope')).rejects.toThrow('the flow declares no fixture "nope" (fixtures: broken, silent)');
    await scope.tearDown();
  });
});
