/**
 * Ingest rate limiting: a token bucket per client. A client may send
 * `burst` requests at once, then `rate` a second; past that it is answered
 * 429 with Retry-After (whole seconds until its next token), which the SDK's
 * outbox honours: it keeps the batch and sends it then, so nothing is lost.
 *
 * Memory is bounded: a bucket that has refilled is the same as no bucket,
 * so idle clients are forgotten (swept at most once per `sweepMs`), and past
 * `clients` buckets the least recently seen goes first.
 */
import type { IncomingMessage } from 'node:http'

export interface RateLimit {
  /** Tokens (requests) a second, per client; 0 turns the limit off. */
  rate: number
  /** Bucket size: requests a client may send at once. */
  burst: number
  /** Buckets kept at most (clients tracked at once). */
  clients: number
  /** Reverse proxies in front of the collector that append to X-Forwarded-For (0: none, use the socket's address). */
  proxies?: number
}

export type Take = { ok: true } | { ok: false; retryAfterSec: number }

export interface Limiter {
  /** Takes one token of `client`'s bucket, if it has one. */
  take(client: string, now: number): Take
  /** Buckets held now (tests). */
  size(): number
}

interface Bucket {
  tokens: number
  at: number
}

const SWEEP_MS = 60_000

export function createLimiter(l: RateLimit, sweepMs = SWEEP_MS): Limiter {
  const buckets = new Map<string, Bucket>()
  let swept = 0
  const perMs = l.rate / 1000
  const refill = (b: Bucket, now: number) => Math.min(l.burst, b.tokens + Math.max(0, now - b.at) * perMs)

  function sweep(now: number): void {
    swept = now
    for (const [k, b] of buckets) if (refill(b, now) >= l.burst) buckets.delete(k)
  }

  return {
    take(client, now) {
      if (!(l.rate > 0)) return { ok: true }
      if (now - swept >= sweepMs || now < swept) sweep(now)
      const b = buckets.get(client)
      const tokens = b ? refill(b, now) : l.burst
      // Re-inserted on every use: the map's order is then least recently seen first.
      buckets.delete(client)
      if (tokens >= 1) {
        buckets.set(client, { tokens: tokens - 1, at: now })
        if (buckets.size > l.clients) buckets.delete(buckets.keys().next().value!)
        return { ok: true }
      }
      buckets.set(client, { tokens, at: now })
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / l.rate)) }
    },
    size: () => buckets.size,
  }
}

/**
 * Who a request is from, for its bucket: its address, within its write key when the collector
 * checks write keys (two apps behind one office NAT do not share a bucket). Not the write key alone:
 * it is public and every browser of an app sends it, so it would make the limit one quota for all
 * the app's users. An unchecked write key is not used: a client could name a new one on each
 * request and never run out. Behind `proxies` reverse proxies the address is the one the outermost
 * of them saw (X-Forwarded-For, counted from the right: what a client writes there is ignored).
 * IPv6 addresses count by their /64, which one host usually holds whole.
 */
export function clientOf(req: IncomingMessage, writeKey: string | undefined, checkedKeys: boolean, proxies = 0): string {
  let address = req.socket.remoteAddress ?? ''
  if (proxies > 0) {
    const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map((x) => x.trim()).filter(Boolean)
    address = hops[hops.length - proxies] ?? hops[0] ?? address
  }
  const ip = 'ip:' + addressKey(address)
  return checkedKeys && writeKey ? 'key:' + writeKey + '|' + ip : ip
}

export function addressKey(address: string): string {
  const a = address.toLowerCase()
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7)
  if (!a.includes(':')) return a
  const [head, tail = ''] = a.split('%')[0].split('::')
  const h = head ? head.split(':') : []
  const t = a.includes('::') && tail ? tail.split(':') : []
  const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64'
}
