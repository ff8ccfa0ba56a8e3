import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // module-preload.test.mjs tests the build (build.mjs), beside it and outside src's browser types.
    include: ['src/**/*.test.ts', 'module-preload.test.mjs'],
    // Logs are noise when a test passes and evidence when it fails: only a failing test's are shown.
    silent: 'passed-only',
  },
});
