import { defineConfig } from '@playwright/test'
import { findChromium, HOW_TO_INSTALL } from './scripts/chromium.mjs'

// The distribution's Chromium, never Playwright's download (see scripts/chromium.mjs).
const executablePath = findChromium()
if (!executablePath) throw new Error(HOW_TO_INSTALL)

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '**/*.spec.ts',
  // Two cores: one worker per core. Each worker starts its own static server
  // on a free port (fixture `server` in test/browser/fixtures.ts).
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['./test/browser/hardening-reporter.ts']],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox', '--disable-gpu'],
    },
  },
})
