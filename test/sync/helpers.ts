import { createStore } from 'idb-keyval'
import { createLogger } from '../../src/log'

/** A logger that stays quiet (the outbox warns by design in these tests). */
export const log = { ...createLogger(() => false), warn: () => {} }
let n = 0
/** A fresh outbox store in fake-indexeddb. */
export const newStore = (prefix: string) => createStore(`${prefix}-${n++}`, 'outbox')
export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Waits until `cond` holds (polling), or throws after `ms`. */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await wait(5)
  }
}
