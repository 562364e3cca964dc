/**
 * The storage backends the collector's storage-dependent tests run against,
 * and a per-backend environment: one database for the backend's run, wiped
 * before each test, and collectors started on it (closed after each test).
 */
import { request } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { start, stop, type PostgresHandle } from '../../scripts/postgres.mjs'
import { type Db, openDb } from '../../src/collector/db'
import { migrate } from '../../src/collector/migrate'
import type { CollectorOptions } from '../../src/collector/options'
import { type Collector, startCollector } from '../../src/collector/server'

export interface Backend {
  name: string
  open(): Promise<Db>
  close?(): Promise<void>
}

let pg: PostgresHandle | null = null
export const backends: Backend[] = [
  { name: 'PGlite (in memory)', open: () => openDb({ pgliteDir: 'memory://' }) },
  {
    name: 'PostgreSQL server (started by the test on 127.0.0.1)',
    async open() {
      pg = await start()
      return openDb({ databaseUrl: pg.url })
    },
    close: () => stop(pg),
  },
]

export interface Env {
  db(): Db
  start(o?: CollectorOptions): Promise<Collector>
  count(table: string, where?: string, params?: unknown[]): Promise<number>
}

export function useBackend(b: Backend): Env {
  let db: Db
  const open: Collector[] = []
  beforeAll(async () => {
    db = await b.open()
    await migrate(db)
  }, 60_000)
  afterAll(async () => {
    await db?.close()
    await b.close?.()
  }, 30_000)
  beforeEach(async () => {
    await db.exec('truncate messages, users, accounts, alerts, score_history')
  })
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close()
  })
  return {
    db: () => db,
    async start(o = {}) {
      const c = await startCollector({ port: 0, log: false, db, ...o })
      open.push(c)
      return c
    },
    async count(table, where = 'true', params = []) {
      const [r] = await db.query(`select count(*)::int as n from ${table} where ${where}`, params)
      return r.n
    },
  }
}

export interface Answer {
  status: number
  headers: Headers
  body: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} }
}

/** POSTs a body that grows chunk by chunk (no Content-Length), stopping once the server answers. */
export function postChunked(url: string, chunk: string, max: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0
    let answered = false
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      answered = true
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, sent }))
    })
    req.on('error', (e) => !answered && reject(e))
    const pump = () => {
      if (answered || sent >= max) return void req.end()
      sent += chunk.length
      req.write(chunk, () => setImmediate(pump))
    }
    pump()
  })
}

/** Waits until `fn` returns true (polling), or fails after `ms`. */
export async function until(fn: () => Promise<boolean> | boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
