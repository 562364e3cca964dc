import type { Logger } from '../log'
import type { KV } from '../store/kv'
import type { Auth, Batch, EventMessage, Message } from './types'

// The outbox's contract (outbox.ts implements it).

/**
 * What one delivery attempt came back with. `rejected`: on a 400, the indexes (in `batch.messages`) of
 * the only messages the server refused, when it names them (the collector's `problems`).
 */
export type SendResult = { status: number; retryAfter?: number; rejected?: number[] } | { error: string }

export interface OutboxOptions {
  /** Chunks of messages, persisted (its own IndexedDB database). */
  kv: KV
  /** Sends one batch; `keepalive` on page hide. Injected so tests need no network mocks. */
  send(batch: Batch, keepalive: boolean): Promise<SendResult>
  now(): number
  log: Logger
  auth(msg: Message): Auth
  sdkVersion: string
  /** Runs `fn` while holding the cross-tab sender lease, waiting for it if another tab holds it. */
  lease?(fn: () => Promise<void>): Promise<unknown>
  /**
   * Runs `fn` under the lease only if it is free now, and says whether it ran. Without it (and with
   * a `lease`), a drain always stores its messages before asking for the lease.
   */
  tryLease?(fn: () => Promise<void>): Promise<boolean>
  online?(): boolean
  random?(): number
  /** Max messages and bytes per request; max messages kept before raw events are rolled up. */
  batchSize?: number
  maxBytes?: number
  maxQueue?: number
  /** Wait this long to gather a batch (ms). Tier crossings skip the wait. */
  interval?: number
  /** First retry delay (ms); doubles per failure up to 5 minutes. Default 1000. */
  retryBase?: number
  /** Bytes of a batch as it goes on the wire (UTF-8, in the configured format), for the keepalive budget. */
  bytes?(batch: Batch): number
  /**
   * Largest body a request may have as sent (measured by `bytes`): Segment refuses a batch over 500 KB
   * with a 400, and its shape repeats the identity in every call, which `maxBytes` does not count.
   */
  maxBody?: number
  /** Messages left the shared store (sent, dropped or folded): tell the other tabs (see `removed`). */
  onRemove?(ids: string[]): void
  /** Shown, dropped and rolled-up counts, for explain() and tests. */
  onStats?(stats: OutboxStats): void
}

export interface OutboxStats {
  queued: number
  sent: number
  dropped: number
  rolledUp: number
  retries: number
  lastError: string | null
}

export interface Outbox {
  add(messages: Message[], urgent?: boolean): void
  /**
   * Queues raw events of one identity, made into messages by `make` only if they are kept: of a burst
   * past the cap, the oldest are counted straight into a rollup, as `add` would have folded them.
   */
  addEvents<T extends { n: string; t: number }>(events: readonly T[], make: (e: T) => EventMessage): void
  /** Persists pending messages and tries to deliver now: within a Retry-After wait, only when `force`d (flush()). */
  drain(force?: boolean): Promise<void>
  /** Page is going away: send what fits in one keepalive request (nothing is removed: unconfirmed). */
  hide(): void
  /** Another tab removed these from the shared store (`onRemove`): not to be sent at page hide. */
  removed(ids: string[]): void
  /**
   * Hands over messages not yet stored or whose write has not landed, and without IndexedDB every one
   * not confirmed (page hide); `add` takes them back (one sent twice is dropped by the collector).
   */
  takePending(): Message[]
  stats(): OutboxStats
  /** No more rounds; resolves when the one running has ended. `discard`: forget what is not sent (opt-out). */
  stop(discard?: boolean): Promise<void>
}
