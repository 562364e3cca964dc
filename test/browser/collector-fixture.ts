/**
 * The real reference collector (src/collector/server.ts, PGlite in memory) for the delivery specs:
 * `collectorTest(options)` is the shared `test` with a `collector` fixture, one per worker (each
 * test uses its own user, so counts never mix).
 */
import { register } from 'node:module'
import { test as base } from './fixtures'
import type { Collector } from '../../src/collector/server'
import type { CollectorOptions } from '../../src/collector/options'

// The collector imports 'ajv/dist/2020' without an extension, which Vite (vitest) resolves but
// Node's ESM loader (which Playwright uses) does not: add the extension with a resolve hook,
// then load the collector.
register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(s, c, next) { return next(s === 'ajv/dist/2020' ? 'ajv/dist/2020.js' : s, c) }`),
)
const { startCollector } = await import('../../src/collector/server')

export type { Collector }

export const collectorTest = (options: CollectorOptions = {}) =>
  base.extend<{}, { collector: Collector }>({
    collector: [
      async ({}, use) => {
        const c = await startCollector({ port: 0, pgliteDir: 'memory://', log: false, ...options })
        await use(c)
        await c.close()
      },
      { scope: 'worker', timeout: 60_000 },
    ],
  })

let seq = 0
/** A name no other test or worker uses (user ids, namespaces). */
export const uniq = (what: string): string => `${what}-${process.pid}-${Date.now().toString(36)}-${seq++}`
