/** HTTP plumbing for the collector: bounded body reading, JSON answers, CORS. */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type Body = { ok: true; text: string } | { ok: false; status: 400 | 413; error: string; message: string }

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over
 * the limit is refused before reading anything; a body that grows past it
 * (chunked) is refused as soon as it does, and the rest is never buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const tooBig: Body = { ok: false, status: 413, error: 'payload_too_large', message: `the body is larger than ${limit} bytes; send fewer messages per batch` }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooBig)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (b: Body) => {
      if (done) return
      done = true
      req.off('data', onData)
      resolve(b)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) return finish(tooBig)
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => {
      try {
        finish({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) })
      } catch {
        finish({ ok: false, status: 400, error: 'invalid_json', message: 'the body is not valid UTF-8' })
      }
    })
    req.on('error', () => finish({ ok: false, status: 400, error: 'invalid_json', message: 'the request body could not be read' }))
  })
}

const BASE_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end()
  const text = JSON.stringify(body)
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers })
  res.end(text)
}

/**
 * Answers without having read the whole request body (413, or an early
 * refusal): the connection is closed after the answer, so the unread rest
 * is discarded by closing instead of being read. A short grace period lets
 * the client read the answer before the socket goes.
 */
export function sendAndClose(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, { ...headers, Connection: 'close' })
  req.resume()
  const timer = setTimeout(() => req.socket.destroy(), 1000)
  timer.unref()
  req.socket.once('close', () => clearTimeout(timer))
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers })
  res.end(body)
}

/**
 * Whether an Origin may call the collector: exact entries, `*`, or
 * `scheme://host:*` for any port of a host (the default allows loopback
 * origins on any port, for local demos).
 */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  for (const a of allowed) {
    if (a === '*' || a === origin) return true
    if (a.endsWith(':*')) {
      const base = a.slice(0, -2)
      if (origin === base || (origin.startsWith(base + ':') && /^\d+$/.test(origin.slice(base.length + 1)))) return true
    }
  }
  return false
}

export function corsHeaders(origin: string): Record<string, string> {
  // Retry-After is not a CORS-safelisted response header: unexposed, the SDK in a page could not read it after a 429 or 503.
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' }
}

export const PREFLIGHT = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
}

/** The SDK posts application/json, or text/plain through sendBeacon (no preflight). */
export function acceptedType(header: string | undefined): boolean {
  if (!header) return true
  const type = header.split(';')[0].trim().toLowerCase()
  return type === 'application/json' || type === 'text/plain'
}
