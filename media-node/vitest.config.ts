import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Janus tests start a real Janus and Chromium; they get generous per-test time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file that needs Janus starts its own host; run files one after another so two
    // Chromiums and Janus hosts do not compete for the 2 cores.
    fileParallelism: false,
  },
});
