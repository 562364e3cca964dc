import type { Moment } from '../trigger/types'

/**
 * The JSON configuration a product team writes. Everything here is plain,
 * serialisable data: it can live in a .json file, be validated by
 * `momentkit.schema.json` and be fetched from a URL named on the script tag.
 */

/** A time window in days, relative to now or to the trial's start. */
export type Window =
  /** The last N days, today included. */
  | { last: number }
  /** Days [from, to) counted from the trial's start day (day 0): `{ trial: [0, 14] }` is "the first 14 days". */
  | { trial: [number, number] }

/** How a signal's raw value turns into credit between 0 and 1. */
export type Credit = 'binary' | 'partial'

/** Event filter: only events whose props equal these values count. */
export type Where = Record<string, string | number | boolean>

interface SignalBase {
  /** Human label used in reasons ("teammates invited"). Defaults to the event name, humanised. */
  label?: string
  /**
   * Plain-language reason shown when the signal earns credit, with
   * `{{value}}`, `{{threshold}}` and `{{days}}` placeholders:
   * "invited {{value}} teammates".
   */
  reason?: string
  /** Value that counts as "done". */
  threshold: number
  /** `binary`: all or nothing at the threshold; `partial`: proportional credit up to it. Default `partial`. */
  credit?: Credit
  /** Relative weight inside its dimension. Default 1. */
  weight?: number
}

/** Number of matching events in the window. */
export interface CountSignal extends SignalBase {
  type: 'count'
  event: string
  where?: Where
  window?: Window
}

/** Number of distinct values of `prop` on matching events (distinct core features used). */
export interface DistinctSignal extends SignalBase {
  type: 'distinct'
  event: string
  prop: string
  where?: Where
  window?: Window
}

/** 1 when a matching event happened at least once in the window, else 0 (threshold is 1). */
export interface OccurredSignal extends Omit<SignalBase, 'threshold'> {
  type: 'occurred'
  event: string
  where?: Where
  window?: Window
  threshold?: 1
}

/** Days since the first (`first`) or last (`last`) occurrence of an event; lower is better. */
export interface OccurrenceSignal extends SignalBase {
  type: 'first' | 'last'
  event: string
}

/** Observed behaviour the SDK measures itself. */
export interface ObservedSignal extends SignalBase {
  /**
   * - sessions: sessions started in the window
   * - activeDays: days with any activity in the window
   * - avgSessionLength: mean session length in minutes in the window
   */
  type: 'sessions' | 'activeDays' | 'avgSessionLength'
  window?: Window
}

/** Consecutive active days ending today (or yesterday). */
export interface StreakSignal extends SignalBase {
  type: 'streak'
}

/** Days since the user was last active; lower is better ("last visit within 3 days"). */
export interface RecencySignal extends SignalBase {
  type: 'recency'
}

/**
 * Usage this period vs the previous one, as a percentage change:
 * 0 is flat, 50 is "up 50%", -100 is "stopped". `of` is an event name or
 * an observed measure.
 */
export interface VelocitySignal extends SignalBase {
  type: 'velocity'
  of: { event: string; where?: Where } | 'sessions' | 'activeDays'
  /** Length of each period in days. Default 7. */
  days?: number
}

export type Signal =
  | CountSignal
  | DistinctSignal
  | OccurredSignal
  | OccurrenceSignal
  | ObservedSignal
  | StreakSignal
  | RecencySignal
  | VelocitySignal

export type SignalType = Signal['type']

export interface Dimension {
  label?: string
  /** Relative weight; weights are normalised, so 25/25/20/15/15 and 0.25/... mean the same. */
  weight: number
  /** Signal ids whose credit makes up this dimension. */
  signals: string[]
}

export interface Tier {
  /** Tier id, used by moments and sent to the server ("pql"). */
  name: string
  label?: string
  /** Lowest score (inclusive) of this tier. The first tier must start at 0. */
  min: number
}

/** Criteria-mode PQL: every listed signal must meet its threshold. */
export interface Criterion {
  id: string
  label?: string
  all: string[]
  /** When every signal is met, the user is at least in this tier. */
  tier?: string
}

export interface Model {
  /** Sent with every score so the server knows which model produced it. */
  version?: string
  /** Start from a shipped model; `signals` and `dimensions` given here are merged over it by id. */
  preset?: PresetName
  signals?: Record<string, Signal>
  dimensions?: Record<string, Dimension>
  /** Ascending by `min`. Default: low 0, moderate 31, pql 61, hot 81. */
  tiers?: Tier[]
  /** Points a score must fall below a tier's `min` before the user drops out of it. Default 3. */
  hysteresis?: number
  criteria?: Criterion[]
  /** A `distinct` signal whose values are the app's core features, for "top features". Default: the first distinct signal. */
  features?: string
}

export type PresetName = 'five-dimension' | 'four-category'

export interface Config {
  $schema?: string
  model?: Model
  /** Minutes of inactivity that end a session. Default 30. */
  sessionTimeout?: number
  /** Record a `page_viewed` event on load and on SPA navigations. Default true. */
  trackPages?: boolean
  /** Track, store and send nothing until `optIn()` (consent banners, GDPR). Default false: on until `optOut()`. */
  requireConsent?: boolean
  /** Trial window, when not given by `identify` traits. ISO date strings or epoch ms. */
  trial?: { start?: string | number; end?: string | number }
  /** Where scores, tier crossings, moment outcomes and raw events are delivered (docs/payload.md). */
  endpoint?: string
  /** Public key identifying the project to the collector. */
  writeKey?: string
  delivery?: Delivery
  /** Log every decision the SDK makes. */
  debug?: boolean
  /** Storage namespace, so two apps on one origin do not share state. Default "momentkit". */
  namespace?: string
  /** Conversion moments (src/trigger/types.ts), or "default" for the shipped set. */
  moments?: Moment[] | 'default'
  /** Global budget: moments (any kind but gates and widgets) per user per 24 h. Default 2. */
  momentsPerDay?: number
  /** Copy locale ("fr", "pt-BR"); default: the browser's language. */
  locale?: string
  /** The user's plan, when not given by identify traits ("trial", "free", "pro"). */
  plan?: string
  /** Plans whose users do not pay: without a `paying` trait, a known plan outside these, with no trial running, pays (`target.paying`). Default ["trial", "free"]. */
  freePlans?: string[]
  /** Features each plan includes, for gate(feature). */
  entitlements?: Record<string, string[]>
  /** Tracking this event records a conversion for recently shown moments. Default "upgraded". */
  conversionEvent?: string
  /** CSS custom properties: accent, accentText, background, text, muted, border, radius, font; "dark.<key>" for dark mode; scheme light|dark|auto. */
  theme?: Record<string, string>
}

export interface Delivery {
  /** `momentkit` (docs/payload.md) or `segment` (Segment's HTTP API batch shape). Default momentkit. */
  format?: 'momentkit' | 'segment'
  /** Max messages per request (requests also stay under about 250 KB). Default 1000. */
  batchSize?: number
  /** Ms to gather a batch before sending; tier crossings go at once. Default 2000. */
  interval?: number
  /** Max messages kept while the endpoint is unreachable; beyond it the oldest raw events are rolled up into counts. Default 5000. */
  maxQueue?: number
  /** Ms before a request that has not answered is abandoned and retried (1000 to 120000). Default 15000. */
  timeout?: number
}

/** A model after presets and defaults are applied: every field present. */
export interface ResolvedModel {
  version: string
  signals: Record<string, Signal>
  dimensions: Record<string, Dimension>
  tiers: Tier[]
  hysteresis: number
  criteria: Criterion[]
  features: string | null
}

export interface ResolvedConfig {
  moments: Moment[]
  momentsPerDay: number
  locale: string | null
  plan: string | null
  freePlans: string[]
  entitlements: Record<string, string[]> | null
  conversionEvent: string
  theme: Record<string, string>
  model: ResolvedModel
  sessionTimeout: number
  trackPages: boolean
  requireConsent: boolean
  trial: { start?: number; end?: number }
  endpoint: string | null
  writeKey: string | null
  delivery: Required<Delivery>
  debug: boolean
  namespace: string
}
