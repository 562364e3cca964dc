#!/usr/bin/env node
/**
 * The demo: `npm run demo` (builds, then `node --import tsx scripts/demo.mjs`).
 * Starts two servers on 127.0.0.1:
 *
 * 1. The reference collector (src/collector), data in .demo-data/, scoring
 *    with demo/momentkit.json, serving the sales inbox. Port COLLECTOR_PORT
 *    (default 8787) or a free one.
 * 2. The demo app "Acme Projects", port PORT (default 5173) or the next free one:
 *      /               demo/
 *      /dist/...       the built bundles, loaded the way a customer loads them
 *      POST /collect   proxied to the collector (same origin: CSP stays connect-src 'self')
 *      POST /api/session  the app's "backend": signs the user id for identity verification
 *      /sales-inbox    redirects to the collector's inbox
 *
 * HTML is served under a strict CSP, so the demo proves the SDK works
 * without inline scripts or styles, and with Trusted Types required and no
 * Trusted Types policy allowed (nothing writes HTML or script from strings).
 */
import { createServer, request } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const HOST = '127.0.0.1'
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const DEMO = join(ROOT, 'demo')
const DIST = join(ROOT, 'dist')
const DATA = join(ROOT, '.demo-data')
const COLLECTOR = join(ROOT, 'src/collector/server.ts')
const FIRST_PORT = Number(process.env.PORT) || 5173
const COLLECTOR_PORT = Number(process.env.COLLECTOR_PORT) || 8787
const PORT_ATTEMPTS = 20
/** The app's server-side secret for identity verification; the browser only ever sees HMACs of user ids. */
const IDENTITY_SECRET = process.env.IDENTITY_SECRET || 'acme-demo-identity-secret'
const WRITE_KEY = 'demo-write-key' // the same as in demo/momentkit.json

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
}

/** Maps a URL path to a file inside demo/ or dist/, or null if it would leave them. */
function fileFor(pathname) {
  let path
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  const [base, rest] = path === '/dist' || path.startsWith('/dist/') ? [DIST, path.slice(5)] : [DEMO, path]
  const file = resolve(base, '.' + (rest.endsWith('/') || rest === '' ? rest + '/index.html' : rest))
  return file === base || file.startsWith(base + sep) ? file : null
}

function send(res, status, body = '', headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(body)
}

async function serveFile(req, res, file, csp) {
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return send(res, 404, 'Not found\n')
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  const headers = {
    'Content-Type': type,
    'Content-Length': info.size,
    // Dev server: always serve the latest build.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  }
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = csp
  res.writeHead(200, headers)
  res.end(req.method === 'HEAD' ? undefined : await readFile(file))
}

/** Forwards POST /collect to the collector, status and headers (Retry-After) included. */
function proxy(req, res, collectorUrl) {
  const target = new URL('/collect', collectorUrl)
  const headers = {}
  for (const h of ['content-type', 'content-length', 'authorization', 'user-agent']) if (req.headers[h]) headers[h] = req.headers[h]
  const upstream = request(target, { method: 'POST', headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers)
    up.pipe(res)
  })
  upstream.on('error', (e) => {
    if (!res.headersSent) send(res, 502, `collector unreachable: ${e.message}\n`)
    else res.destroy()
  })
  req.pipe(upstream)
}

/** The app's "backend" signs the user in: HMAC-SHA256 of the user id, as Intercom-style identity verification expects. */
function session(req, res) {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (chunk) => {
    body += chunk
    if (body.length > 4096) req.destroy()
  })
  req.on('end', () => {
    let userId
    try {
      userId = JSON.parse(body).userId
    } catch {}
    if (typeof userId !== 'string' || !userId.trim() || userId.length > 200) return send(res, 400, 'userId: a non-empty string of at most 200 characters\n')
    const userHash = createHmac('sha256', IDENTITY_SECRET).update(userId).digest('hex')
    send(res, 200, JSON.stringify({ userId, userHash }), { 'Content-Type': 'application/json; charset=utf-8' })
  })
  req.on('error', () => {})
}

function appServer(collectorUrl, csp) {
  return createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', `http://${HOST}`)
    const post = (fn) => (req.method === 'POST' ? fn() : send(res, 405, 'Method not allowed\n', { Allow: 'POST' }))
    if (pathname === '/collect') return post(() => proxy(req, res, collectorUrl))
    if (pathname === '/api/session') return post(() => session(req, res))
    if (pathname === '/sales-inbox') return send(res, 302, '', { Location: new URL('/inbox', collectorUrl).href })
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' })
    const file = fileFor(pathname)
    if (!file) return send(res, 404, 'Not found\n')
    serveFile(req, res, file, csp).catch((e) => {
      console.error('demo server:', e)
      if (!res.headersSent) send(res, 500, 'Internal error\n')
      else res.destroy()
    })
  })
}

/** Listens on `port` or the next free one; resolves with the port. */
function listen(server, port, attemptsLeft = PORT_ATTEMPTS) {
  return new Promise((ok, fail) => {
    const onError = (e) => {
      server.off('listening', onListening)
      if (e.code === 'EADDRINUSE' && attemptsLeft > 1) return listen(server, port + 1, attemptsLeft - 1).then(ok, fail)
      fail(new Error(`could not listen on ${HOST}:${port}: ${e.message}`))
    }
    const onListening = () => {
      server.off('error', onError)
      ok(server.address().port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, HOST)
  })
}

async function loadCollector() {
  if (!existsSync(COLLECTOR)) {
    throw new Error(`the reference collector is missing (${COLLECTOR}).\nThe demo needs it for the sales inbox; it is not faked.`)
  }
  const mod = await import(pathToFileURL(COLLECTOR).href)
  if (typeof mod.startCollector !== 'function') throw new Error(`${COLLECTOR} does not export startCollector()`)
  return mod.startCollector
}

/** Whether `port` is free on HOST (checked first: a collector that fails to listen would keep its database open). */
function portFree(port) {
  return new Promise((ok) => {
    const probe = createTcpServer()
    probe.once('error', () => ok(false))
    probe.listen(port, HOST, () => probe.close(() => ok(true)))
  })
}

/**
 * Starts the collector and the app server; `close()` stops both. Used by main() below, and
 * importable (with tsx) by a test that wants the demo in-process. `csp` replaces the
 * Content-Security-Policy header of the HTML pages (test/browser/hardening-csp.spec.ts
 * serves issue 7's policy verbatim):
 *
 * @example
 * const demo = await startDemo({ port: 0, collectorPort: 0, pgliteDir: 'memory://', log: false })
 * // demo.appUrl, demo.collector.inboxUrl ... then: await demo.close()
 */
export async function startDemo({ port = FIRST_PORT, collectorPort = COLLECTOR_PORT, pgliteDir = join(DATA, 'pglite'), log = (line) => console.log(line), csp = CSP } = {}) {
  const startCollector = await loadCollector()
  const free = collectorPort === 0 || (await portFree(collectorPort))
  if (!free && log) log(`Port ${collectorPort} is busy; the collector takes a free one.`)
  const collector = await startCollector({
    port: free ? collectorPort : 0,
    host: HOST,
    pgliteDir,
    configPath: join(DEMO, 'momentkit.json'),
    identitySecret: IDENTITY_SECRET,
    writeKeys: [WRITE_KEY],
    // The browser and the collector share this machine: cut days where the browser does.
    tzOffset: new Date().getTimezoneOffset(),
    webhookUrl: process.env.WEBHOOK_URL || null,
    log: log && ((line) => log('  collector: ' + line)),
  })
  const server = appServer(collector.url, csp)
  let appPort
  try {
    appPort = port === 0 ? await listen(server, 0, 1) : await listen(server, port)
  } catch (e) {
    await collector.close()
    throw e
  }
  return {
    appUrl: `http://${HOST}:${appPort}/`,
    collector,
    async close() {
      server.closeAllConnections()
      await Promise.allSettled([new Promise((ok) => server.close(ok)), collector.close()])
    },
  }
}

async function main() {
  if (!existsSync(join(DIST, 'momentkit.iife.js'))) {
    console.warn('Warning: dist/momentkit.iife.js is missing; run `npm run build` (or `npm run demo`) first.')
  }
  const demo = await startDemo()
  const { collector } = demo
  console.log(`
MomentKit demo is running.

  App (Acme Projects)   ${demo.appUrl}
  Sales inbox           ${collector.inboxUrl}
  Collector             ${collector.collectUrl}   (data in .demo-data/; JSON at ${collector.url}/api/inbox)

Try this: open the app, click "Simulate 6 days of trial activity", and watch the
sales inbox (another tab) list the user as a PQL within seconds. The demo controls
also reach every conversion moment: the widget, an activation nudge (sign in as
someone new), the upgrade prompt (the simulation), a usage-limit nudge (a 4th
project), the SSO gate ("Set up SSO") and the trial banner ("Jump to the trial's
last 2 days").

Press Ctrl+C to stop.
`)

  let stopping = false
  const stop = async (signal) => {
    if (stopping) process.exit(130) // second Ctrl+C: do not wait
    stopping = true
    console.log(`\n${signal}: stopping the demo app and the collector.`)
    setTimeout(() => process.exit(1), 5000).unref()
    await demo.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`\nThe demo could not start: ${e instanceof Error ? e.message : e}`)
    process.exit(1)
  })
}
