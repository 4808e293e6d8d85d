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
          // A poll waits for a state; its bound only decides when to give up. Vitest's default (1 s)
          // failed on a loaded machine while a freshly opened tab was still opening its library.
          expect: { poll: { timeout: 30_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
