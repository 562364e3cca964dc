import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Playwright specs live in test/browser and run under `playwright test`.
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    environment: 'node',
    // Collector suites start PostgreSQL and PGlite; on a shared 2-core machine 5 s is too tight.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})
