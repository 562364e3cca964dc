#!/usr/bin/env node
/**
 * A throwaway PostgreSQL server on 127.0.0.1 for tests (and for trying the
 * collector against a real server):
 *
 *   import { start, stop } from './scripts/postgres.mjs'
 *   const pg = await start()          // { url, port, dir, bin }
 *   ...                               // postgres://postgres@127.0.0.1:<port>/postgres
 *   await stop(pg)
 *
 *   node scripts/postgres.mjs         // starts one, prints DATABASE_URL, stops on Ctrl+C
 *
 * Binaries: MOMENTKIT_PG_BIN, then PATH, then /usr/lib/postgresql/<newest>/bin
 * (Debian's postgresql package). When none is found and we run as root with
 * apt-get, `apt-get install -y postgresql` is run once. PostgreSQL refuses to
 * run as root, so as root initdb and pg_ctl run as the `postgres` user (or
 * MOMENTKIT_PG_USER) through runuser/su, on a temp dir chowned to it.
 * The data dir is a temp dir with fsync off: fast and disposable.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0

function findBin() {
  const env = process.env.MOMENTKIT_PG_BIN
  if (env) return existsSync(join(env, 'pg_ctl')) ? env : fail(`MOMENTKIT_PG_BIN=${env} has no pg_ctl`)
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`)).sort((a, b) => Number(b) - Number(a))
    : []
  if (versions.length) return `/usr/lib/postgresql/${versions[0]}/bin`
  const r = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' })
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim().replace(/\/pg_ctl$/, '')
  return null
}

function fail(message) {
  throw new Error(`PostgreSQL for tests: ${message}`)
}

function install() {
  if (!isRoot() || !has('apt-get')) {
    fail('no PostgreSQL binaries found (looked at MOMENTKIT_PG_BIN, /usr/lib/postgresql/*/bin, PATH). Install them (Debian/Ubuntu: sudo apt-get install -y postgresql) or set MOMENTKIT_PG_BIN.')
  }
  console.error('PostgreSQL not found: installing it with apt-get (once)...')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env })
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env })
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env })
  }
  if (r.status !== 0) fail('apt-get install postgresql failed; install PostgreSQL or set MOMENTKIT_PG_BIN')
  return findBin() ?? fail('postgresql was installed but pg_ctl is still not found')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL binary, as the unprivileged user when we are root. */
function run(bin, args, user) {
  const [cmd, argv] = user ? ['runuser', ['-u', user, '--', bin, ...args]] : [bin, args]
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() })
  } catch (e) {
    if (user && e.code === 'ENOENT') {
      // No runuser (not util-linux): su with a quoted command line.
      const line = [bin, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ')
      return execFileSync('su', [user, '-s', '/bin/sh', '-c', line], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    }
    throw new Error(`${bin} ${args.join(' ')} failed:\n${e.stderr || e.stdout || e.message}`)
  }
}

function unprivilegedUser() {
  const name = process.env.MOMENTKIT_PG_USER || 'postgres'
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' })
  if (r.status !== 0) fail(`running as root, and there is no "${name}" user to run PostgreSQL as (PostgreSQL refuses root). Create it (useradd -r ${name}) or set MOMENTKIT_PG_USER.`)
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim()
  return { name, uid: Number(r.stdout.trim()), gid: Number(gid) }
}

/**
 * Starts a fresh server on a free port. Resolves with its URL; the `postgres`
 * superuser connects without a password (trust, loopback only).
 */
export async function start({ port } = {}) {
  const bin = findBin() ?? install()
  const user = isRoot() ? unprivilegedUser() : null
  const dir = mkdtempSync(join(tmpdir(), 'momentkit-pg-'))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, 'data')
  const p = port ?? (await freePort())
  const handle = { url: `postgres://postgres@127.0.0.1:${p}/postgres`, port: p, dir, bin, user: user?.name ?? null }
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], user?.name)
    const opts = `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50`
    run(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start'], user?.name)
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return handle
}

/** Stops the server and deletes its data. Safe to call twice. */
export async function stop(handle) {
  if (!handle || !existsSync(handle.dir)) return
  try {
    run(join(handle.bin, 'pg_ctl'), ['-D', join(handle.dir, 'data'), '-m', 'immediate', '-w', 'stop'], handle.user ?? undefined)
  } catch (e) {
    console.error(String(e.message || e))
  }
  rmSync(handle.dir, { recursive: true, force: true })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pg = await start()
  console.log(`PostgreSQL ${pg.bin} on 127.0.0.1:${pg.port}\n\n  DATABASE_URL=${pg.url}\n\nCtrl+C stops it and deletes its data.`)
  const bye = () => stop(pg).then(() => process.exit(0))
  process.on('SIGINT', bye)
  process.on('SIGTERM', bye)
}
