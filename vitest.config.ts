import { defineConfig } from 'vitest/config';
import SlowFirst from './test/sequencer';

// Two files at a time, unit and browser alike (one pool: Vitest needs the same count for projects
// that share a group). Browser files are largely CPU-bound, so this gains about a fifth on 2 cores
// (×0.82 wall measured back to back, see README). GLIMPSE_TEST_WORKERS=1 runs one at a time.
const WORKERS = Number(process.env.GLIMPSE_TEST_WORKERS) || 2;

// Two projects, one runner: unit tests in Node, browser tests drive /usr/bin/chromium
// (playwright-core) against the built app served by `vite preview` (see test/browser/setup.ts).
export default defineConfig({
  test: {
    reporters: ['default', './test/reporters/summary.ts'],
    sequence: { sequencer: SlowFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          maxWorkers: WORKERS,
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
          // Each file launches its own browser, on its own ports, profiles and Xvfb display
          // (-displayfd), and serves dist/ read-only: files do not share state.
          maxWorkers: WORKERS,
        },
      },
    ],
  },
});
