import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Logs are noise when a test passes and evidence when it fails: only a failing test's are shown.
    silent: 'passed-only',
    // Janus tests start a real Janus and Chromium; they get generous per-test time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file that needs Janus starts its own host; run files one after another so two
    // Chromiums and Janus hosts do not compete for the 2 cores.
    fileParallelism: false,
  },
});
