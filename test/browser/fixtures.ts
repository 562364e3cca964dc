/**
 * Playwright fixtures shared by the browser specs:
 * - `server`: one static server per worker (see server.ts); routes reset after each test.
 * - `baseURL`: points at it, so `page.goto('/fixtures/score.html')` works.
 * - `logs`: every console message of the page, as `type: text`.
 * - `pageErrors`: uncaught errors of the page. A test fails if any is left
 *   at the end, so "no uncaught error" holds for every spec without saying it.
 */
import { test as base, expect, type Page } from '@playwright/test'
import type { Explanation } from '../../src/explain'
import type { Events } from '../../src/api'
import { startServer, type TestServer } from './server'

/** window.momentkit once the bundle has loaded (see src/global.ts). */
export interface MomentKitGlobal {
  init(config?: unknown): unknown
  track(name: string, props?: Record<string, unknown>): void
  identify(userId: string, traits?: Record<string, unknown>): void
  reset(): void
  on<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): () => void
  flush(): Promise<void> | undefined
  destroy(): Promise<void> | undefined
  explain(): Explanation | null
  $score: { get(): number | null }
  $tier: { get(): string | null }
  /** Only on the snippet's stub, before the bundle replaces it. */
  q?: unknown[]
}

declare global {
  interface Window {
    momentkit: MomentKitGlobal
    /** Set by fixture pages: tier events received, in order. */
    tierEvents: Events['tier'][]
  }
}

export interface ConsoleLine {
  type: string
  text: string
}

export const test = base.extend<{ logs: ConsoleLine[]; pageErrors: Error[] }, { server: TestServer }>({
  server: [
    async ({}, use) => {
      const server = await startServer()
      await use(server)
      await server.close()
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url)
    server.reset()
  },
  logs: async ({ page }, use) => {
    const logs: ConsoleLine[] = []
    page.on('console', (m) => logs.push({ type: m.type(), text: m.text() }))
    await use(logs)
  },
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = []
      page.on('pageerror', (e) => errors.push(e))
      await use(errors)
      expect(errors.map(String), 'uncaught errors in the page').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }

/** The SDK's explanation, or null while the bundle is not loaded or no instance runs. */
export const explain = (page: Page): Promise<Explanation | null> =>
  page.evaluate(() => (typeof window.momentkit?.explain === 'function' ? window.momentkit.explain() : null))

/** Waits until the bundle has loaded and the instance has read its stored state and scored. */
export async function ready(page: Page): Promise<Explanation> {
  await expect.poll(async () => (await explain(page))?.ready ?? false, { message: 'explain().ready' }).toBe(true)
  return (await explain(page))!
}

/** Waits until the published score is exactly `score`. */
export async function scoreIs(page: Page, score: number): Promise<Explanation> {
  await expect.poll(() => page.evaluate(() => window.momentkit.$score?.get() ?? null), { message: `$score to be ${score}` }).toBe(score)
  return (await explain(page))!
}

/** Console lines from MomentKit ("[momentkit] ..."), optionally of one type ('error', 'warning'). */
export const sdkLogs = (logs: ConsoleLine[], type?: string): ConsoleLine[] =>
  logs.filter((l) => l.text.startsWith('[momentkit]') && (!type || l.type === type))
