import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Logs are noise when a test passes and evidence when it fails: only a failing test's are shown.
    silent: 'passed-only',
  },
});
