import type { Batch } from './types'

/** Under the 64 KB that a page's keepalive requests (fetch keepalive and sendBeacon) share. */
export const KEEPALIVE_BUDGET = 60_000

/** Cuts `batch` a tenth at a time until its body fits `budget` bytes (or one message is left): measuring once per message dropped would stall the page's exit. */
export function fit(batch: Batch, budget: number, bytes: (b: Batch) => number): void {
  while (batch.messages.length > 1 && bytes(batch) > budget) batch.messages.length -= Math.ceil(batch.messages.length / 10)
}
