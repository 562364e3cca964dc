/**
 * The collector's storage-dependent tests, run twice: against PGlite in
 * memory, and against a real PostgreSQL server this file starts on
 * 127.0.0.1 (scripts/postgres.mjs) and stops afterwards.
 */
import 'fake-indexeddb/auto'
import { describe } from 'vitest'
import { backends, useBackend } from './env'
import { alertsSuite } from './suites/alerts'
import { httpSuite } from './suites/http'
import { inboxSuite } from './suites/inbox'
import { ingestSuite } from './suites/ingest'
import { sdkSuite } from './suites/sdk'
import { rateLimitSuite } from './suites/ratelimit'
import { signingSuite } from './suites/signing'

for (const backend of backends) {
  describe(backend.name, () => {
    const env = useBackend(backend)
    httpSuite(env)
    ingestSuite(env)
    alertsSuite(env)
    signingSuite(env)
    inboxSuite(env)
    sdkSuite(env)
    rateLimitSuite(env)
  })
}
