import { retryAfter } from './backoff'
import type { SendResult } from './outbox'
import { toSegment } from './segment'
import type { Batch } from './types'

export interface TransportOptions {
  endpoint: string
  format: 'momentkit' | 'segment'
  writeKey?: string
  now(): number
}

/**
 * The real network: fetch, with `keepalive` on page hide and sendBeacon as
 * the fallback when fetch is missing or refuses (no `unload` listener is
 * ever used). Beacons go as text/plain so they need no CORS preflight.
 */
export function createTransport(t: TransportOptions): (batch: Batch, keepalive: boolean) => Promise<SendResult> {
  return async (batch, keepalive) => {
    const body = JSON.stringify(t.format === 'segment' ? toSegment(batch, t.writeKey) : batch)
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (t.format === 'segment' && t.writeKey) headers.Authorization = 'Basic ' + btoa(t.writeKey + ':')
    try {
      const r = await fetch(t.endpoint, { method: 'POST', body, headers, keepalive, credentials: 'omit' })
      return { status: r.status, retryAfter: retryAfter(r.headers.get('Retry-After'), t.now()) }
    } catch (e) {
      if (keepalive && typeof navigator !== 'undefined' && navigator.sendBeacon?.(t.endpoint, new Blob([body], { type: 'text/plain' }))) return { status: 202 }
      return { error: e instanceof Error ? e.message : String(e) }
    }
  }
}
