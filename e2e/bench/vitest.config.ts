import { defineConfig } from 'vitest/config';

// Unit tests of the benchmarks' pure parts: no stack, unlike the e2e suite (include src/**).
// Run from e2e/: npx vitest run --config bench/vitest.config.ts
export default defineConfig({
  root: import.meta.dirname,
  test: { include: ['*.test.ts'] },
});
