/**
 * A tiny static server for the browser tests, on 127.0.0.1 and a free port.
 *
 *   /dist/...      the built bundles (run `npx rollup -c` first)
 *   /fixtures/...  test/browser/fixtures/
 *   /...           anything else under the repository root
 *
 * Tests can override any path with `route()`: extra response headers on the
 * static file (a Content-Security-Policy, say), a different status or body,
 * or a delay (to keep the bundle from loading before the page has queued
 * calls). Every response has `Cache-Control: no-store`, so a reload always
 * refetches.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MOUNTS: Array<[prefix: string, dir: string]> = [['/fixtures/', resolve(ROOT, 'test/browser/fixtures')]]

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
}

export interface RouteResponse {
  status?: number
  /** Added to (and overriding) the default headers. */
  headers?: Record<string, string>
  /** Served instead of the file on disk. */
  body?: string | Buffer
  /** Wait this long before answering. */
  delayMs?: number
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Paths (with query) requested so far, oldest first. */
  requests: string[]
  /** Overrides the response for an exact path (query ignored) until `reset()`. */
  route(path: string, response: RouteResponse): void
  /** Serves an HTML string at `path`. */
  page(path: string, html: string, headers?: Record<string, string>): void
  /** Drops routes and the request log. */
  reset(): void
  close(): Promise<void>
}

/** Maps a URL path to a file under the root, or null if it escapes it. */
function fileFor(pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  for (const [prefix, dir] of MOUNTS) {
    if (decoded.startsWith(prefix)) return inside(dir, decoded.slice(prefix.length))
  }
  return inside(ROOT, decoded.slice(1))
}

function inside(dir: string, rel: string): string | null {
  const file = resolve(dir, rel)
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : null
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, RouteResponse>()
  const requests: string[] = []

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push(url.pathname + url.search)
    // Browsers ask for it on every page; a 404 would add noise to the console the tests read.
    const route = routes.get(url.pathname) ?? (url.pathname === '/favicon.ico' ? { status: 204, body: '' } : {})
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs))

    let status = route.status ?? 200
    let body = route.body
    const headers: Record<string, string> = { 'cache-control': 'no-store' }
    const file = fileFor(url.pathname.endsWith('/') ? url.pathname + 'index.html' : url.pathname)
    if (body === undefined) {
      try {
        if (!file) throw new Error('outside the root')
        body = await readFile(file)
        headers['content-type'] = TYPES[extname(file)] ?? 'application/octet-stream'
      } catch {
        status = route.status ?? 404
        body = `not found: ${url.pathname}`
        headers['content-type'] = TYPES['.txt']
      }
    } else {
      headers['content-type'] = (file && TYPES[extname(file)]) || TYPES['.html']
    }
    // Lower-case keys, so a route's 'content-type' replaces ours instead of doubling it.
    const merged: Record<string, string> = {}
    for (const [k, v] of Object.entries({ ...headers, ...route.headers })) merged[k.toLowerCase()] = v
    res.writeHead(status, merged)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500, { 'Content-Type': TYPES['.txt'] })
      res.end(String(e))
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, response) => void routes.set(path, response),
    page: (path, html, headers) => void routes.set(path, { body: html, headers: { 'content-type': TYPES['.html'], ...headers } }),
    reset() {
      routes.clear()
      requests.length = 0
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}
