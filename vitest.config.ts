import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Playwright specs live in test/browser and run under `playwright test`.
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    environment: 'node',
  },
})
