import type { Where } from '../config/types'

/** Moment configuration (the `moments` array of the config). Plain JSON. */
export type MomentKind = 'upgrade' | 'gate' | 'trial' | 'widget' | 'nudge'

/**
 * Copy for one locale. Besides the moment's own text it may word every
 * built-in label (English defaults): `close` (the close button's name),
 * `ended` ("Trial ended") and the countdown templates `daysLeft`
 * ("{{days}} days left"), `hoursLeft` ("{{hours}} h {{minutes}} min left"),
 * `minutesLeft` ("{{minutes}} min {{seconds}} s left").
 */
export interface MomentCopy {
  title: string
  body?: string
  cta?: string
  dismiss?: string
  close?: string
  ended?: string
  daysLeft?: string
  hoursLeft?: string
  minutesLeft?: string
  /** Stronger words for users in an engaged tier (pql and above): replaces these fields for them. */
  engaged?: { title?: string; body?: string; cta?: string }
  /** Used, field by field, where the copy names something unknown for this user ({{topFeature}} before any feature use, {{daysLeft}} with no trial end). */
  fallback?: { title?: string; body?: string; cta?: string }
}

export interface Moment {
  id: string
  kind: MomentKind
  /**
   * What makes it a candidate now; any one is enough. Without a tier or event
   * trigger it is a candidate at every check (load, route change, identify,
   * every minute) while its target holds: how "on a score range" or "on trial
   * days left" is said. Give such a prompt a cap, or it returns once closed.
   */
  on?: {
    /** Entering one of these tiers (the main trigger). */
    tierEntered?: string[]
    /** A tracked event with this name. */
    event?: string
    /** Only when the event's props equal these values ({ "limit": "projects" }). */
    where?: Where
    /** `gate(feature)` for one of these features (gates only). */
    gate?: string[]
  }
  /** Who may see it; every given condition must hold. */
  target?: {
    tiers?: string[]
    score?: { min?: number; max?: number }
    plans?: string[]
    /** true: only paying customers; false: only users not known to pay (DecisionState.paying). */
    paying?: boolean
    /** Identify traits with one of these values each ({ "role": ["admin", "owner"] }: those who can buy); a trait not given matches none. */
    traits?: Record<string, Array<string | number | boolean>>
    /** Signals of the model whose values lie within [min, max] ("projects": { "min": 4 }: 80% of a 5-project limit). */
    signals?: Record<string, { min?: number; max?: number }>
    /** Trial state: "active" (not ended), "ended", or days left within [min, max]. */
    trial?: 'active' | 'ended' | { min?: number; max?: number }
    /** A campaign's dates: shown from `from` (inclusive) until `until` (exclusive); ISO 8601 or epoch ms, a bare date is local midnight. */
    from?: string | number
    until?: string | number
    /** Route globs ("/projects/*"); "*" matches within a segment, "**" across. */
    routes?: string[]
  }
  /** Higher wins when several are eligible. Default 0. */
  priority?: number
  /** Frequency caps: shows per day, in all, and hours between two shows. */
  cap?: { perDay?: number; total?: number; cooldownHours?: number }
  /** After a dismissal, hours until it may show again; absent means never again. */
  snoozeHours?: number
  /** Percent of users (0-100) who never see it, to measure lift. */
  holdout?: number
  /**
   * A copy experiment: each variation's share of users (`percent`, by a hash of user id and moment id) sees its
   * copy over the moment's own, field by field, for every locale the moment has; the rest see the moment's own
   * copy as variation "control". Outcomes carry the variation, and a person keeps the one they were first shown.
   */
  variations?: Variation[]
  /** Copy per locale ("en", "fr", "pt-BR"...), with {{placeholders}}; "en" is the fallback. */
  copy: Record<string, MomentCopy>
  /**
   * The event that counts as this moment's conversion (default: the config's `conversionEvent`): an
   * activation nudge's is the action it asks for ("project_created"), not an upgrade.
   */
  goal?: string
  /** Where the call to action goes: a URL (https, http or same-origin relative) or a host callback name. */
  cta?: { url?: string; action?: string }
  /** Rendering options by kind: modal or slide-in for upgrade prompts, corner for widgets. */
  variant?: 'modal' | 'slidein'
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'
}

export interface Variation {
  id: string
  percent: number
  copy: Record<string, Partial<MomentCopy>>
}

/** What is remembered per moment, across reloads and tabs. */
export interface MomentHistory {
  /** Times it was shown (most recent last, bounded). */
  shown: number[]
  /** How many times it was shown in all (`shown` keeps only the latest); absent in older histories: `shown.length`. */
  count?: number
  dismissedAt?: number
  clickedAt?: number
  /** Recorded as held out: stays so for this moment (e.g. bucketed while anonymous, then identified). */
  heldOut?: 1
  /** When they were first recorded as held out: their conversion within 7 days counts, as a shown moment's does. */
  heldAt?: number
  /** The variation first shown (moments with `variations`): the person keeps it, identified or not. */
  v?: string
}

/** Everything the engine needs to decide, as plain data. */
export interface DecisionState {
  now: number
  userId: string | null
  anonymousId: string
  tier: string | null
  score: number | null
  /** The user's identify traits. */
  traits?: Record<string, unknown>
  /** The model's signals by id, with their values (null: unknown, e.g. a first occurrence that has not happened). */
  signals?: Record<string, { value: number | null }>
  plan: string | null
  /** The `paying` trait when identify gives one; else the plan is known, not one of `freePlans`, and no trial is running. */
  paying?: boolean
  /** Trial end (epoch ms), if known. */
  trialEnd: number | null
  route: string
  history: Record<string, MomentHistory>
  /** All moments shown (any kind) in the last 24 h, for the global budget. */
  shownToday: number
  /** Moment currently on screen in this or another tab. */
  visible: string | null
  /** Moments shown by another open tab (not to be repeated here). */
  otherTabs: string[]
}

export type Trigger =
  | { type: 'tier'; from: string | null; to: string }
  | { type: 'event'; name: string; props?: Record<string, unknown> }
  | { type: 'gate'; feature: string }
  /** Periodic or route re-evaluation: every moment without a tier or event trigger. */
  | { type: 'check' }

export interface Decision {
  id: string
  show: boolean
  /** Why it shows or not, in plain words (debug log and explain()). */
  reason: string
  heldOut?: boolean
  /** Moments with variations: the one this user sees. */
  variation?: string
}
