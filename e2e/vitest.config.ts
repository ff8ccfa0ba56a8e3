import { defineConfig } from 'vitest/config';

// One stack (Janus, sidecar, workerd) for every e2e file: started once in global-setup.ts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Logs are noise when a test passes and evidence when it fails: only a failing test's are shown.
    silent: 'passed-only',
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
