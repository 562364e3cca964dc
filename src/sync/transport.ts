import { compactJson, messageJson, toJson } from '../json'
import { retryAfter } from './backoff'
import type { SendResult } from './outbox'
import { toSegment } from './segment'
import type { Batch, Message } from './types'

export interface TransportOptions {
  endpoint: string
  format: 'momentkit' | 'segment'
  writeKey?: string
  /** Ms before an unanswered request is abandoned (a hung endpoint must not stall delivery). */
  timeout?: number
  /** A Segment call left out for its size (`track "note_saved"`). */
  dropped?(call: string): void
  now(): number
}

/**
 * The request body for a batch, in the configured format. MomentKit's format is the batch as JSON,
 * with the identity fields its messages share (all of them, usually: a batch is one identity's) sent
 * once, as `common`, and left out of each message that has them; a message that differs (queued
 * before an upgrade of the SDK or of the model) carries its own. Each message is written from the
 * text the outbox made of it when it filled the batch.
 */
export function encode(t: Pick<TransportOptions, 'format' | 'writeKey' | 'dropped'>, batch: Batch): string {
  if (t.format === 'segment') return toJson(toSegment(batch, t.writeKey, t.dropped))
  const { messages, ...head } = batch
  const f = messages[0]
  const common = f && { userId: f.userId, anonymousId: f.anonymousId, accountId: f.accountId, model: f.model, sdk: f.sdk }
  const h = toJson(common ? { ...head, common } : head)
  const text = (m: Message) =>
    m.userId === f.userId && m.anonymousId === f.anonymousId && m.accountId === f.accountId && m.model === f.model && m.sdk === f.sdk ? compactJson(m) : messageJson(m)
  return h.slice(0, -1) + (h === '{}' ? '' : ',') + '"messages":[' + messages.map(text).join(',') + ']}'
}

/**
 * The messages a 400 refused, by index, when every problem it lists is in one (the collector's
 * `problems`, docs/payload.md: `messages[3].at`); otherwise undefined or empty (the whole batch was).
 */
const refused = (r: Response): Promise<number[] | undefined> =>
  r.json().then((j) => j.problems.map((p: { path: string }) => +/^messages\[(\d+)\]/.exec(p.path)![1])).catch(() => undefined)

/**
 * The real network: fetch, with `keepalive` on page hide and sendBeacon as
 * the fallback when fetch is missing or refuses (no `unload` listener is
 * ever used). Beacons go as text/plain so they need no CORS preflight.
 */
export function createTransport(t: TransportOptions): (batch: Batch, keepalive: boolean) => Promise<SendResult> {
  return async (batch, keepalive) => {
    const body = encode(t, batch)
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (t.format === 'segment' && t.writeKey) headers.Authorization = 'Basic ' + btoa(t.writeKey + ':')
    try {
      // A request that never answers would hold the loop and the cross-tab lease forever: abandon it
      // and let the outbox retry (the collector deduplicates by message id if it did arrive).
      const signal = !keepalive && t.timeout && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(t.timeout) : undefined
      // Redirects are not followed: after a 301/302/303 the browser re-sends the POST as a GET, whose
      // 200 (a home or login page) would pass for a delivery while the batch is lost. Kept and retried.
      const r = await fetch(t.endpoint, { method: 'POST', body, headers, keepalive, credentials: 'omit', signal, redirect: 'manual' })
      // Another script's fetch wrapper may answer anything: not a delivery.
      if (typeof r?.status !== 'number' || typeof r.headers?.get !== 'function') throw new TypeError('fetch answered no Response (replaced by another script?)')
      if (r.type === 'opaqueredirect') return { error: 'the endpoint answered with a redirect, which is not followed: set endpoint to the final URL' }
      const rejected = r.status === 400 ? await refused(r) : undefined
      return { status: r.status, retryAfter: retryAfter(r.headers.get('Retry-After'), t.now()), rejected }
    } catch (e) {
      if (keepalive && typeof navigator !== 'undefined' && navigator.sendBeacon?.(t.endpoint, new Blob([body], { type: 'text/plain' }))) return { status: 202 }
      return { error: e instanceof Error ? e.message : String(e) }
    }
  }
}
