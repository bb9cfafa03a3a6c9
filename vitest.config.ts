import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: browser tests on a loaded 2-core machine can take several times their usual time.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Browser tests start their own Chromium; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
