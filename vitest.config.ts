import { defineConfig } from 'vitest/config';

// Tests start real slapd, Chromium and HTTP servers; two workers suit a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/test-junit.xml' },
  },
});
