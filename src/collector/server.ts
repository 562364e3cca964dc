/**
 * The reference collector's HTTP server (Node's http, nothing else):
 *
 *   POST /collect, /v1/batch   a MomentKit batch (docs/payload.md)
 *   GET  /inbox                the sales inbox (HTML)
 *   GET  /api/inbox            the same, as JSON
 *   GET  /healthz              liveness and database check
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkWriteKey, safeEqual, verifyIdentity } from './auth'
import { type Db, openDb } from './db'
import { readInbox } from './inbox'
import { ingest } from './ingest'
import { acceptedType, corsHeaders, originAllowed, PREFLIGHT, readBody, send, sendAndClose, sendJson } from './http'
import { migrate } from './migrate'
import { type CollectorOptions, resolveSettings, type Settings } from './options'
import { renderInbox } from './page'
import { parseBatch } from './payload'
import { clientOf, createLimiter, type Limiter } from './ratelimit'
import { createScorer, type Scorer } from './rescore'
import { createDelivery, type Delivery } from './webhook'

export interface Collector {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string
  collectUrl: string
  inboxUrl: string
  db: Db
  settings: Settings
  /** Delivers due webhook alerts now (tests; it also runs on its own). */
  deliverAlerts(): Promise<number>
  close(): Promise<void>
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
const asset = (name: string) => readFileSync(new URL('./public/' + name, import.meta.url))
const ASSETS: Record<string, [string, Buffer]> = {
  '/inbox.css': ['text/css; charset=utf-8', asset('inbox.css')],
  '/inbox.js': ['text/javascript; charset=utf-8', asset('inbox.js')],
}
const COLLECT = new Set(['/collect', '/v1/batch'])

/** HTTP Basic auth with any user name and the inbox password. */
function passwordOk(req: IncomingMessage, password: string): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  if (!m) return false
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  return safeEqual(decoded.slice(decoded.indexOf(':') + 1), password)
}

interface Ctx { db: Db; s: Settings; scorer: Scorer; delivery: Delivery; limiter: Limiter }

const slowDown = (client: string, sec: number) => ({
  error: 'rate_limited',
  message: `too many requests from this address${client.startsWith('key:') ? ' with this write key' : ''}; retry in ${sec} s (RATE_LIMIT, RATE_BURST)`,
})

async function collect(c: Ctx, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> {
  const fail = (status: number, error: string, message: string, extra: object = {}) => sendJson(res, status, { error, message, ...extra }, cors)
  // Without write keys to tell clients apart, the address is the client: refused before reading the body.
  const checked = c.s.writeKeys.length > 0
  if (!checked) {
    const ip = clientOf(req, undefined, false, c.s.rateLimit.proxies)
    const t = c.limiter.take(ip, c.s.now())
    if (!t.ok) return sendAndClose(req, res, 429, slowDown(ip, t.retryAfterSec), { ...cors, 'Retry-After': String(t.retryAfterSec) })
  }
  if (!acceptedType(req.headers['content-type'])) {
    return sendAndClose(req, res, 415, { error: 'unsupported_media_type', message: 'send the batch as application/json (or text/plain from sendBeacon)' }, cors)
  }
  const body = await readBody(req, c.s.maxBodyBytes)
  if (!body.ok) return body.status === 413 ? sendAndClose(req, res, 413, { error: body.error, message: body.message }, cors) : fail(400, body.error, body.message)
  const parsed = parseBatch(body.text, c.s.now())
  if (!parsed.ok) {
    const { ok: _, ...rest } = parsed
    return fail(400, parsed.error, parsed.message, rest)
  }
  const { batch } = parsed
  const key = checkWriteKey(c.s.writeKeys, batch.auth)
  if (!key.ok) return fail(401, 'unknown_write_key', key.reason)
  if (checked) {
    const client = clientOf(req, batch.auth.writeKey, true, c.s.rateLimit.proxies)
    const t = c.limiter.take(client, c.s.now())
    if (!t.ok) return sendJson(res, 429, slowDown(client, t.retryAfterSec), { ...cors, 'Retry-After': String(t.retryAfterSec) })
  }
  const id = verifyIdentity(c.s.identitySecret, batch.auth, batch.messages[0].userId, c.s.now())
  if (!id.ok) return fail(401, 'identity_not_verified', id.reason)
  try {
    const r = await ingest(c.db, c.s, c.scorer, batch)
    if (r.alerts) c.delivery.kick()
    sendJson(res, 200, { ok: true, ...r }, cors)
  } catch (e) {
    c.s.log(`collect: could not store a batch: ${e instanceof Error ? e.stack ?? e.message : e}`)
    fail(500, 'storage_error', 'the batch could not be stored; retry later')
  }
}

async function route(c: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A request target that is no URL path ("//[") would make new URL throw: the client's mistake, not ours.
  if (!URL.canParse(req.url ?? '/', 'http://collector')) return sendJson(res, 400, { error: 'bad_request', message: 'the request target is not a valid URL path' })
  const { pathname } = new URL(req.url ?? '/', 'http://collector')
  const method = req.method ?? 'GET'
  if (COLLECT.has(pathname)) {
    const origin = req.headers.origin
    const allowed = !origin || originAllowed(origin, c.s.corsOrigins)
    const cors = origin && allowed ? corsHeaders(origin) : {}
    if (method === 'OPTIONS') return allowed ? send(res, 204, 'text/plain', '', { ...cors, ...PREFLIGHT }) : sendJson(res, 403, { error: 'origin_not_allowed', message: `origin ${origin} is not allowed (CORS_ORIGINS)` })
    if (method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed', message: 'POST a batch here' }, { Allow: 'POST, OPTIONS' })
    if (!allowed) return sendAndClose(req, res, 403, { error: 'origin_not_allowed', message: `origin ${origin} is not allowed (CORS_ORIGINS)` })
    return collect(c, req, res, cors)
  }
  if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'method_not_allowed', message: `${method} is not supported here` }, { Allow: 'GET' })
  if ((pathname === '/inbox' || pathname === '/api/inbox') && c.s.inboxPassword && !passwordOk(req, c.s.inboxPassword)) {
    return sendJson(res, 401, { error: 'unauthorized', message: 'the sales inbox needs the password (INBOX_PASSWORD)' }, { 'WWW-Authenticate': 'Basic realm="MomentKit sales inbox", charset="UTF-8"' })
  }
  const now = c.s.now()
  const tiers = c.scorer.model.tiers
  switch (pathname) {
    case '/':
      return send(res, 302, 'text/plain; charset=utf-8', 'See /inbox\n', { Location: '/inbox' })
    case '/inbox':
      return send(res, 200, 'text/html; charset=utf-8', renderInbox(await readInbox(c.db, tiers, c.s.alertTiers, now), now), { 'Content-Security-Policy': CSP })
    case '/api/inbox':
      return sendJson(res, 200, await readInbox(c.db, tiers, c.s.alertTiers, now))
    case '/favicon.ico':
      return send(res, 204, 'image/x-icon', '')
    case '/healthz':
      await c.db.query('select 1')
      return sendJson(res, 200, { ok: true, db: c.db.kind, model: c.scorer.model.version })
  }
  const a = ASSETS[pathname]
  if (a) return send(res, 200, a[0], a[1], { 'Cache-Control': 'no-cache' })
  sendJson(res, 404, { error: 'not_found', message: `nothing at ${pathname}; POST /collect, GET /inbox, /api/inbox, /healthz` })
}

/**
 * Starts the collector: opens (and migrates) the database, listens, and
 * resumes delivering any alerts left pending by a previous run.
 *
 * @example
 * const c = await startCollector({ port: 0, pgliteDir: 'memory://', log: false })
 * await fetch(c.collectUrl, { method: 'POST', body: JSON.stringify(batch) })
 * await c.close()
 */
export async function startCollector(options: CollectorOptions & { db?: Db } = {}): Promise<Collector> {
  const s = resolveSettings(options)
  const db = options.db ?? (await openDb(s))
  try {
    await migrate(db)
  } catch (e) {
    if (!options.db) await db.close()
    throw e
  }
  const scorer = createScorer(s.config, s.tzOffset)
  let base = ''
  const delivery = createDelivery(db, s, () => base + '/inbox')
  const ctx: Ctx = { db, s, scorer, delivery, limiter: createLimiter(s.rateLimit) }
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((e) => {
      s.log(`collector: ${req.method} ${req.url}: ${e instanceof Error ? e.message : e}`)
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'internal error' })
      else res.destroy()
    })
  })
  server.requestTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(s.port, s.host, () => (server.off('error', reject), resolve()))
  })
  const { port } = server.address() as AddressInfo
  base = `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${port}`
  delivery.kick()
  return {
    url: base,
    collectUrl: base + '/collect',
    inboxUrl: base + '/inbox',
    db,
    settings: s,
    deliverAlerts: () => delivery.runOnce(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await delivery.stop()
      if (!options.db) await db.close()
    },
  }
}
