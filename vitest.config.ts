import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** The slowest files first: the fault catalogue, the third-party targets, then the full runs and installs. */
const slowest = [
  /\/test\/faults\/catalogue\.test\.ts$/,
  /\/test\/third-party\/[^/]+\.test\.ts$/,
  /\/test\/(report\/no-secret-in-outputs|harness\/cli-run|cli\/init|package\/install-from-tarball)\.test\.ts$/,
];
const rank = (spec: TestSpecification) => {
  const i = slowest.findIndex((re) => re.test(spec.moduleId));
  return i < 0 ? slowest.length : i;
};

/**
 * Longest first, so the two workers never end with one long file running alone: without a
 * timing cache (a clean CI checkout) vitest orders by file size, and the catalogue's small
 * file ran last, eight minutes on one worker while the other idled. (Split in two halves run
 * side by side, it doubled the browser load on two cores and took longer.)
 */
class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

// Tests start real slapd, Chromium and HTTP servers; two workers suit a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: SlowestFirstSequencer },
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/test-junit.xml' },
  },
});
