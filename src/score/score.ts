import type { ResolvedModel } from '../config/types'
import { type Aggregates, distinctKey, eventKey } from '../store/aggregate'
import { reasonFor } from './reasons'
import { credit, dayRange, distinctCounts, signalValue, type Value } from './signals'

export interface SignalResult {
  id: string
  value: Value
  /** 0..1 */
  credit: number
  /** Threshold reached. */
  met: boolean
  /** Plain-language reason, present when the signal earned credit. */
  reason?: string
}

export interface DimensionResult {
  id: string
  label: string
  /** Normalised weight, 0..1. */
  weight: number
  /** Dimension score, 0..1. */
  score: number
  /** Contribution to the 0-100 composite. */
  points: number
  signals: SignalResult[]
}

export interface CriterionResult {
  id: string
  label: string
  met: boolean
  /** Signals of the criterion not yet met. */
  missing: string[]
  tier?: string
}

export interface ScoreResult {
  /** 0-100 composite. */
  score: number
  breakdown: DimensionResult[]
  signals: Record<string, SignalResult>
  /** Plain-language reasons, strongest contribution first. */
  reasons: string[]
  /** Most used core features, with counts. */
  topFeatures: Array<{ name: string; count: number }>
  criteria: CriterionResult[]
  /** The highest tier a met criterion guarantees, or null. */
  floorTier: string | null
  /** When this was computed (epoch ms). */
  at: number
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places

/**
 * Scores one user: a pure function of the model, the aggregates and the
 * time. Cost depends on the model's size and the window lengths, never on
 * how many events the user has sent.
 *
 * @example
 * const result = score(resolveConfig(config).model, aggregates, Date.now())
 * result.score // 72
 * result.reasons // ['invited 2 teammates', 'active 5 of the last 7 days']
 */
export function score(model: ResolvedModel, agg: Aggregates, now: number): ScoreResult {
  const signals: Record<string, SignalResult> = {}
  const raw: Record<string, number> = {}
  // Own keys only: a property another script put on Object.prototype is not a signal.
  for (const id of Object.keys(model.signals)) {
    const s = model.signals[id]
    const value = signalValue(s, agg, now)
    const c = (raw[id] = credit(s, value))
    signals[id] = { id, value, credit: round(c, 3), met: c >= 1 }
    if (c > 0) signals[id].reason = reasonFor(s, value)
  }

  const dims = Object.entries(model.dimensions)
  const totalWeight = dims.reduce((n, [, d]) => n + d.weight, 0) || 1
  const ranked: Array<[number, string]> = []
  let composite = 0
  const breakdown = dims.map(([id, d]): DimensionResult => {
    const list = d.signals.map((sid) => signals[sid]).filter(Boolean)
    const weights = list.map((r) => model.signals[r.id].weight ?? 1)
    const sum = weights.reduce((a, b) => a + b, 0) || 1
    const dscore = list.reduce((n, r, i) => n + raw[r.id] * weights[i], 0) / sum
    const w = d.weight / totalWeight
    list.forEach((r, i) => r.reason && ranked.push([(w * raw[r.id] * weights[i]) / sum, r.reason]))
    composite += w * dscore
    return { id, label: d.label ?? id, weight: round(w, 3), score: round(dscore, 3), points: round(w * dscore * 100, 1), signals: list }
  })

  const reasons = [...new Set(ranked.sort((a, b) => b[0] - a[0]).map((r) => r[1]))]

  let topFeatures: ScoreResult['topFeatures'] = []
  const fs = model.features ? model.signals[model.features] : undefined
  if (fs && fs.type === 'distinct') {
    const counts = distinctCounts(agg, distinctKey(eventKey(fs.event, fs.where), fs.prop), dayRange(fs.window, agg, now))
    topFeatures = Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([name, count]) => ({ name, count }))
  }

  let floorTier: string | null = null
  const tierIndex = (name?: string) => model.tiers.findIndex((t) => t.name === name)
  const criteria = model.criteria.map((c): CriterionResult => {
    const missing = c.all.filter((sid) => !signals[sid]?.met)
    const met = missing.length === 0
    if (met && c.tier && tierIndex(c.tier) > tierIndex(floorTier ?? undefined)) floorTier = c.tier
    return { id: c.id, label: c.label ?? c.id, met, missing, ...(c.tier ? { tier: c.tier } : {}) }
  })

  return { score: Math.max(0, Math.min(100, Math.round(composite * 100))), breakdown, signals, reasons, topFeatures, criteria, floorTier, at: now }
}
