/**
 * The demo app and the reference collector as a worker fixture, started by
 * scripts/demo.mjs's own startDemo() (PGlite in memory, free ports), for
 * specs that drive the demo in a browser (demo.spec.ts, hardening-csp.spec.ts).
 * Pages open on the demo app (`baseURL`). `demoCsp` (a worker option)
 * replaces the Content-Security-Policy the demo serves its HTML with.
 */
import { register } from 'node:module'
import { test as base } from './fixtures'
import type { Collector } from '../../src/collector/server'

// The collector imports 'ajv/dist/2020' without an extension, which Node's ESM loader (used by
// Playwright) does not resolve: add it with a resolve hook before scripts/demo.mjs loads the collector.
register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(s, c, next) { return next(s === 'ajv/dist/2020' ? 'ajv/dist/2020.js' : s, c) }`),
)

export interface Demo {
  appUrl: string
  collector: Collector
  close(): Promise<void>
}
// A plain .mjs script (no .d.mts next to it): imported by URL, typed here.
const { startDemo } = (await import(new URL('../../scripts/demo.mjs', import.meta.url).href)) as {
  startDemo(o: { port: number; collectorPort: number; pgliteDir: string; log: false; csp?: string }): Promise<Demo>
}

/** One demo (app + collector) per worker, started exactly as `npm run demo` does, on free ports. */
export const test = base.extend<{}, { demo: Demo; demoCsp: string | undefined }>({
  demoCsp: [undefined, { scope: 'worker', option: true }],
  demo: [
    async ({ demoCsp }, use) => {
      const demo = await startDemo({ port: 0, collectorPort: 0, pgliteDir: 'memory://', log: false, csp: demoCsp })
      await use(demo)
      await demo.close()
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // Pages open on the demo app, not on the shared static test server.
  baseURL: async ({ demo }, use) => use(demo.appUrl),
})
