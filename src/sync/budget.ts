import type { Batch, Message } from './types'

/** Under the 64 KB that a page's keepalive requests (fetch keepalive and sendBeacon) share. */
export const KEEPALIVE_BUDGET = 60_000

/** Cuts `batch` from its end until its body fits `budget` bytes (or one message is left), in few measures. */
export function fit(batch: Batch, budget: number, bytes: (b: Batch) => number): void {
  for (let b = bytes(batch); batch.messages.length > 1 && b > budget; b = bytes(batch)) {
    const n = batch.messages.length
    batch.messages.length = Math.max(1, Math.min(n - 1, Math.floor((n * budget) / b) - Math.ceil(n / 50)))
  }
}

/**
 * The page-hide request's messages, as lists to fill it from: what the sales side waits for (a tier
 * crossing, moment outcomes, identify, score, rollups) first, then the oldest events. Behind a backlog
 * over 64 KB, a crossing made just before the tab was closed would otherwise wait for the user's next
 * visit. One identity (a request carries one): the newest such message's.
 */
export function hideOrder(all: Message[], same: (a: Message, b: Message) => boolean): Message[][] {
  if (!all.length) return []
  let key = all[0]
  for (const m of all) if (m.type !== 'event') key = m
  const head: Message[] = []
  const events: Message[] = []
  for (const m of all) if (same(m, key)) (m.type === 'event' ? events : head).push(m)
  return head.length ? [head, events] : [events]
}
