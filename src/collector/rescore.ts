/**
 * Server-side rescoring with the SDK's own modules: raw `event` messages are
 * replayed as aggregate ops (store/aggregate.ts), scored (score/score.ts) and
 * tiered (score/tier.ts) exactly as the browser does, so a disagreement with
 * the client's reported score means something (another model version,
 * events that never arrived, or a tampered client), not a second
 * implementation drifting.
 *
 * Pure: no database here. users.ts keeps the state between batches.
 */
import { createHash } from 'node:crypto'
import type { ResolvedConfig, ResolvedModel } from '../config/types'
import { type Aggregates, apply, emptyAggregates, type Op, type Plan, planFor } from '../store/aggregate'
import { score, type ScoreResult } from '../score/score'
import { nextTierState, type TierChange, type TierState } from '../score/tier'
import type { ScoreMessage, TierMessage } from '../sync/types'

export interface Scorer {
  model: ResolvedModel
  plan: Plan
  /** Timezone offset (minutes, as Date#getTimezoneOffset) to cut days for users whose identify message gave none (anonymous users). */
  tz: number
  trial: ResolvedConfig['trial']
  /** Changes when the model does: stored aggregates built with another model are rebuilt. */
  hash: string
}

export function createScorer(config: ResolvedConfig, tz = 0): Scorer {
  const { model, sessionTimeout, trial } = config
  const hash = createHash('sha256').update(JSON.stringify({ model, sessionTimeout, trial, tz })).digest('hex').slice(0, 16)
  return { model, plan: planFor(model, sessionTimeout), tz, trial, hash }
}

/** Aggregates for a user first seen at `seen`, with the config's trial window, as the SDK opens a new user. */
export function freshAggregates(s: Scorer, seen: number, tz = s.tz): Aggregates {
  const agg = emptyAggregates(seen, tz)
  if (s.trial.start !== undefined || s.trial.end !== undefined) apply(agg, s.plan, [{ k: 'trial', start: s.trial.start, end: s.trial.end }], seen)
  return agg
}

/** One thing to replay, in time order: an event, or a client report to check against. */
export type Item =
  | { k: 'event'; t: number; name: string; props?: Record<string, unknown> }
  | { k: 'check'; t: number; msg: ScoreMessage | TierMessage }
  /** Trial dates (and the browser's timezone offset) from an identify message. */
  | { k: 'trial'; t: number; start?: number; end?: number; tz?: number }

export interface Check {
  msg: ScoreMessage | TierMessage
  /** The server's score and tier at the client's report time. */
  server: number
  tier: string
  diff: number
}

export interface ReplayResult {
  /** The aggregates after the replay (the one passed in, mutated). */
  agg: Aggregates
  result: ScoreResult | null
  tier: TierState | null
  /** Tier changes on the server side, in order. */
  changes: TierChange[]
  checks: Check[]
  through: number
  /** Score or tier after each change along the way, for the score-history chart. */
  points: Array<{ t: number; score: number; tier: string }>
}

/**
 * Walks items (sorted by time) from `agg` and `tier`, mutating `agg`.
 * With `every`, the tier is re-evaluated after each event, as the browser
 * does after each batch of ops, so crossing times are exact; a rebuild
 * passes false and evaluates only at client reports and at the end.
 */
export function replay(s: Scorer, agg: Aggregates, tier: TierState | null, through: number, items: readonly Item[], every = true): ReplayResult {
  const changes: TierChange[] = []
  const checks: Check[] = []
  const points: ReplayResult['points'] = []
  let result: ScoreResult | null = null
  const step = (t: number): ScoreResult => {
    result = score(s.model, agg, t)
    const next = nextTierState(s.model.tiers, tier, result.score, s.model.hysteresis, result.floorTier, t)
    tier = next.state
    if (next.change) changes.push(next.change)
    const p = points[points.length - 1]
    if (!p || p.score !== result.score || p.tier !== tier.tier) points.push({ t, score: result.score, tier: tier.tier })
    return result
  }
  let last = -Infinity
  for (const it of items) {
    last = Math.max(last, it.t)
    if (it.k === 'event') {
      const op: Op = { k: 'e', n: it.name, p: it.props, t: it.t }
      apply(agg, s.plan, [op], it.t)
      through = Math.max(through, it.t)
      if (every) step(it.t)
      continue
    }
    if (it.k === 'trial') {
      apply(agg, s.plan, [{ k: 'trial', start: it.start, end: it.end }], it.t)
      continue
    }
    const r = step(it.t)
    checks.push({ msg: it.msg, server: r.score, tier: tier!.tier, diff: it.msg.score - r.score })
  }
  if (Number.isFinite(last) && (!result || (result as ScoreResult).at !== last)) step(last)
  return { agg, result, tier, changes, checks, through, points }
}

/** Items in replay order: by time, events before reports made at the same instant (the SDK scores after applying). */
export function ordered(items: Item[]): Item[] {
  return items
    .map((it, i) => [it, i] as const)
    .sort(([a, i], [b, j]) => a.t - b.t || rank(a) - rank(b) || i - j)
    .map(([it]) => it)
}

/** The browser's timezone offset from the last identify message among `items` that carries one. */
export const tzOf = (items: readonly Item[]): number | undefined =>
  items.reduce<number | undefined>((tz, it) => (it.k === 'trial' && it.tz !== undefined ? it.tz : tz), undefined)

/** Trial dates first, then events, then reports made at the same instant. */
const rank = (it: Item) => (it.k === 'trial' ? 0 : it.k === 'event' ? 1 : 2)
