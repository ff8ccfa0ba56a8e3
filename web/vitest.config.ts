import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Logs are noise when a test passes and evidence when it fails: only a failing test's are shown.
    silent: 'passed-only',
  },
});
