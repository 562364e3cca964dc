#!/usr/bin/env node
/**
 * Demo server: `npm run demo` (builds first) or `node scripts/demo.mjs`.
 *
 *   /            demo/ (the "Acme Projects" page)
 *   /dist/...    the built bundles, loaded the way a customer loads them
 *   POST /collect  accepted and answered 204 (stand-in for a real collector)
 *
 * Listens on 127.0.0.1 only, port PORT (default 5173) or the next free one.
 * HTML is served under a strict CSP, so the demo proves the SDK works
 * without inline scripts or styles.
 */
import { createServer } from 'node:http'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const HOST = '127.0.0.1'
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const DEMO = join(ROOT, 'demo')
const DIST = join(ROOT, 'dist')
const FIRST_PORT = Number(process.env.PORT) || 5173
const PORT_ATTEMPTS = 20
const MAX_BODY = 1024 * 1024

const CSP = "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'"
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

async function serveFile(req, res, file) {
  let info
  try {
    info = await stat(file)
  } catch {
    info = null
  }
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
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CSP
  res.writeHead(200, headers)
  res.end(req.method === 'HEAD' ? undefined : await readFile(file))
}

/** Stand-in collector: reads (and bounds) the body, answers 204. */
function collect(req, res) {
  let size = 0
  let tooBig = false
  req.on('data', (chunk) => {
    size += chunk.length
    if (size > MAX_BODY && !tooBig) {
      tooBig = true
      send(res, 413, 'Payload too large\n', { Connection: 'close' })
      req.destroy()
    }
  })
  req.on('end', () => {
    if (tooBig) return
    console.log(`  POST /collect  ${size} bytes -> 204`)
    res.writeHead(204, { 'Cache-Control': 'no-store' })
    res.end()
  })
  req.on('error', () => {})
}

const server = createServer((req, res) => {
  const { pathname } = new URL(req.url ?? '/', `http://${HOST}`)
  if (pathname === '/collect') {
    if (req.method === 'POST') return collect(req, res)
    return send(res, 405, 'Method not allowed\n', { Allow: 'POST' })
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' })
  const file = fileFor(pathname)
  if (!file) return send(res, 404, 'Not found\n')
  serveFile(req, res, file).catch((e) => {
    console.error('demo server:', e)
    if (!res.headersSent) send(res, 500, 'Internal error\n')
    else res.destroy()
  })
})

function listen(port, attemptsLeft) {
  const onError = (e) => {
    server.off('listening', onListening)
    if (e.code === 'EADDRINUSE' && attemptsLeft > 1) {
      console.log(`Port ${port} is busy, trying ${port + 1}...`)
      return listen(port + 1, attemptsLeft - 1)
    }
    console.error(`demo server: could not listen on ${HOST}:${port}: ${e.message}`)
    process.exit(1)
  }
  const onListening = () => {
    server.off('error', onError)
    console.log(`\nMomentKit demo: http://${HOST}:${server.address().port}/\n`)
    console.log('Press Ctrl+C to stop.')
  }
  server.once('error', onError)
  server.once('listening', onListening)
  server.listen(port, HOST)
}

if (!existsSync(join(DIST, 'momentkit.iife.js'))) {
  console.warn('Warning: dist/momentkit.iife.js is missing; run `npm run build` (or `npm run demo`) first.')
}

let stopping = false
function stop(signal) {
  if (stopping) process.exit(130) // second Ctrl+C: do not wait
  stopping = true
  console.log(`\n${signal}: stopping the demo server.`)
  server.close(() => process.exit(0))
  server.closeAllConnections()
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

listen(FIRST_PORT, PORT_ATTEMPTS)
