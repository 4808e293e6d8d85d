import { defineConfig } from 'vitest/config';

// Two projects, one runner: unit tests in Node, browser tests drive /usr/bin/chromium
// (playwright-core) against the built app served by `vite preview` (see test/browser/setup.ts).
export default defineConfig({
  test: {
    reporters: ['default', './test/reporters/summary.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // Fixtures built in beforeAll (model files, bad-file corpora) take seconds; on a loaded
          // 2-core machine the 10 s default failed (image-sniff) although nothing was wrong.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Polls wait on a state; 1 s (the default) is a clock that a loaded machine misses.
          expect: { poll: { timeout: 30_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
