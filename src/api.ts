import type { Explanation } from './explain'
import type { MomentEvent } from './moments'
import type { ScoreResult } from './score/score'
import type { TierChange } from './score/tier'
import type { KVOptions } from './store/kv'
import type { OutboxOptions } from './sync/outbox'
import type { Verification } from './track/identity'
import type { Logger } from './log'

/** The public surface of a MomentKit instance. */
export interface TierEvent extends TierChange {
  /** Plain-language reasons, strongest first (at most 5). */
  reasons: string[]
}

export interface Events {
  tier: TierEvent
  score: ScoreResult
  ready: Explanation
  /** A moment outcome: shown, clicked, dismissed, held_out, converted. */
  moment: MomentEvent
}

export interface Instance {
  /**
   * Records an event. Cheap and synchronous: storage and scoring happen later, off the call.
   * `options.at` (Date, ISO string or epoch ms, up to 400 days back) backfills a past event.
   */
  track(name: string, props?: Record<string, unknown>, options?: { at?: number | string | Date }): void
  /**
   * Names the user; traits may carry `accountId`, `plan`, `trialStart`, `trialEnd`.
   * `verification` (`{ userHash }` or `{ jwt }`, computed by your server) is sent with deliveries.
   */
  identify(userId: string, traits?: Record<string, unknown>, verification?: Verification): void
  /** Forgets the user (logout): a new anonymous id and fresh state. */
  reset(): void
  /** Removes every listener, timer and node; writes what is pending. */
  destroy(): Promise<void>
  /** Score, tier, breakdown, reasons and what the SDK knows, as plain data. */
  explain(): Explanation
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof Events>(type: K, fn: (payload: Events[K]) => void): () => void
  /** Writes pending state now. */
  flush(): Promise<void>
  /**
   * Whether the user's plan includes a paid feature. When it does not, the
   * gate moment configured for it opens and this returns false. Elements with
   * `data-momentkit-gate="feature"` do the same on click.
   */
  gate(feature: string): boolean
  /** Shows a moment immediately for designers (no caps, nothing recorded). `?momentkit_preview=<id>` does the same. */
  preview(momentId: string): boolean
  /** Registers a host callback for CTAs configured with `cta.action`. */
  action(name: string, fn: () => void): void
  /**
   * The person agrees to be tracked (with `requireConsent`, nothing is tracked, stored or sent before).
   * Remembered on this device; starts the SDK if it was waiting.
   */
  optIn(): void
  /**
   * The person refuses: tracking, delivery and moments stop, in every tab, and what MomentKit stored on
   * this device (events, scores, the delivery queue) is deleted. Remembered on this device until optIn().
   */
  optOut(): Promise<void>
  /** Resolves once stored state is loaded and scored. */
  ready: Promise<void>
}

/** What core.ts builds; consent.ts adds optIn/optOut around it. `destroy(true)` writes and sends nothing more. */
export type Core = Omit<Instance, 'optIn' | 'optOut' | 'destroy'> & { destroy(discard?: boolean): Promise<void> }

export interface CoreDeps {
  kv?: KVOptions
  /** Storage of the delivery outbox (its own database). */
  outboxKv?: KVOptions
  /** Replaces the network (tests). */
  send?: OutboxOptions['send']
  now?: () => number
  log?: Logger
}
