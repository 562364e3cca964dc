/**
 * The collector's one way to reach its database: PGlite (PostgreSQL in
 * WebAssembly, data in a folder or in memory) by default, or a PostgreSQL
 * server through `pg` when a URL is given. Both run the same SQL; callers
 * only see rows of plain values. Cast bigint/numeric results (`::int`,
 * `::float8`) in SQL: `pg` returns those as strings.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'

export type Row = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>
}

export interface Db extends Queryable {
  kind: 'pglite' | 'postgres'
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>
  close(): Promise<void>
}

export interface DbOptions {
  /** postgres://... : use a PostgreSQL server. */
  databaseUrl?: string | null
  /** PGlite data folder; null or 'memory://' keeps everything in memory (tests). */
  pgliteDir?: string | null
}

export async function openDb(o: DbOptions): Promise<Db> {
  return o.databaseUrl ? openPostgres(o.databaseUrl) : openPglite(o.pgliteDir ?? null)
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A PGlite folder serves one process: two collectors on it (a second demo while one runs) damage it for good.
 * `<dir>.lock` holds the owner's pid; one left by a process that is gone is taken over. Returns the release.
 */
function lockDir(dir: string): () => void {
  const file = resolve(dir) + '.lock'
  for (;;) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const pid = Number(readFileSync(file, 'utf8').trim())
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new Error(`the PGlite data in ${dir} is in use by another process (pid ${pid}): PGlite serves one process, and a second one damages the data. Stop the other collector or demo first ("npm run collector" can also be given another folder: --pglite-dir or PGLITE_DIR).`)
    }
    rmSync(file, { force: true })
  }
}

async function openPglite(dir: string | null): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite')
  const inMemory = !dir || dir.startsWith('memory://')
  if (inMemory) return pgliteDb(await PGlite.create(), () => {})
  mkdirSync(dir, { recursive: true })
  const unlock = lockDir(dir)
  try {
    return pgliteDb(await PGlite.create(dir), unlock)
  } catch (e) {
    unlock()
    throw new Error(`could not open the PGlite data in ${dir} (${e instanceof Error ? e.message : e}). It may be damaged (two processes on it at once, or one killed while writing): move or delete it (${dir}) to start afresh.`)
  }
}

function pgliteDb(pg: import('@electric-sql/pglite').PGlite, unlock: () => void): Db {
  // PGlite is one connection: transactions are serialised by PGlite itself.
  return {
    kind: 'pglite',
    query: async (sql, params) => (await pg.query(sql, params)).rows as never,
    tx: (fn) => pg.transaction((t) => fn({ query: async (sql, params) => (await t.query(sql, params)).rows as never })),
    exec: async (sql) => void (await pg.exec(sql)),
    close: () => pg.close().finally(unlock),
  }
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle client's error (server restart) must not crash the collector; the next query reconnects.
  pool.on('error', (e) => console.error('collector: database connection lost:', e.message))
  await pool.query('select 1')
  return {
    kind: 'postgres',
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    async tx(fn) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        const out = await fn({ query: async (sql, params) => (await client.query(sql, params as unknown[])).rows })
        await client.query('commit')
        return out
      } catch (e) {
        await client.query('rollback').catch(() => {})
        throw e
      } finally {
        client.release()
      }
    },
    exec: async (sql) => void (await pool.query(sql)),
    close: () => pool.end(),
  }
}

/** A JSON value as a query parameter: always cast `($n::text)::jsonb` in SQL, so both drivers send it the same way. */
export const json = (v: unknown): string => JSON.stringify(v ?? null)

/** Epoch ms as a timestamptz parameter. */
export const ts = (ms: number | null | undefined): string | null => (ms == null || !Number.isFinite(ms) ? null : new Date(ms).toISOString())

/** A timestamptz column back to epoch ms. */
export const ms = (v: unknown): number | null => (v == null ? null : v instanceof Date ? v.getTime() : Date.parse(String(v)))
