import { defineConfig } from 'vitest/config';

// One stack (Janus, sidecar, workerd) for every e2e file: started once in global-setup.ts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
