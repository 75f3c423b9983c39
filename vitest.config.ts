import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration tests under test/ start real processes
// from dist/ (npm test builds first), so they run in forks with long timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
