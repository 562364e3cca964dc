/**
 * The delivery contract between the SDK and a collector. One POST carries
 * one batch: messages of one identity, so the batch's `auth` applies to all.
 * Documented for servers in docs/payload.md and as JSON Schema in
 * src/sync/payload.schema.json.
 */
export type MessageType = 'event' | 'identify' | 'score' | 'tier' | 'moment' | 'rollup'

export interface MessageBase {
  /** Unique per message (UUID): the collector deduplicates on it. */
  id: string
  type: MessageType
  /** When it happened, ISO 8601. */
  at: string
  userId: string | null
  anonymousId: string
  accountId: string | null
  /** Model version (`model.version` in the config). */
  model: string
  /** SDK version that made it (may predate the one sending the batch). */
  sdk?: string
}

/** A raw tracked event, so the server can recompute the score. */
export interface EventMessage extends MessageBase {
  type: 'event'
  name: string
  props?: Record<string, unknown>
}

/**
 * Who the user is and their trial: sent on identify() and whenever trial
 * dates change, so the server can evaluate trial-relative windows exactly
 * as the browser does.
 */
export interface IdentifyMessage extends MessageBase {
  type: 'identify'
  traits: Record<string, unknown>
  /** Trial start and end (ISO), or null when unknown. */
  trialStart: string | null
  trialEnd: string | null
  /** The browser's timezone offset (minutes, as Date#getTimezoneOffset), which cuts days. */
  tz: number
}

export interface ScoreSnapshot {
  score: number
  tier: string
  breakdown: Array<{ id: string; label: string; score: number; points: number }>
  /** Plain-language reasons, strongest first. */
  reasons: string[]
  topFeatures: Array<{ name: string; count: number }>
  /** Signal values by id (e.g. teammates_invited: 2). */
  signals: Record<string, number | null>
}

/** A periodic score snapshot (on change, at most once a minute, and on session start). */
export interface ScoreMessage extends MessageBase, ScoreSnapshot {
  type: 'score'
}

/** A tier crossing: sent first, immediately. */
export interface TierMessage extends MessageBase, ScoreSnapshot {
  type: 'tier'
  from: string | null
  to: string
  direction: 'up' | 'down'
  /** When the threshold was crossed (ISO). */
  crossedAt: string
}

export type MomentOutcome = 'shown' | 'clicked' | 'dismissed' | 'held_out' | 'converted'

export interface MomentMessage extends MessageBase {
  type: 'moment'
  moment: string
  kind: string
  outcome: MomentOutcome
  /** Moments with variations: the one the user saw ("control": the moment's own copy). */
  variation?: string
}

/** Raw events folded into counters because the outbox was over its cap. */
export interface RollupMessage extends MessageBase {
  type: 'rollup'
  /** Event name -> how many were folded. */
  counts: Record<string, number>
  from: string
  to: string
}

export type Message = EventMessage | IdentifyMessage | ScoreMessage | TierMessage | MomentMessage | RollupMessage

export interface Auth {
  /** Public write key of the project. */
  writeKey?: string
  /** HMAC-SHA256(secret, userId), hex, computed by the app's server. */
  userHash?: string
  /** Or a JWT (HS256) whose `sub` is the user id. */
  jwt?: string
}

export interface Batch {
  sentAt: string
  sdk: { name: 'momentkit'; version: string }
  auth: Auth
  messages: Message[]
}
