import type { Dimension, ResolvedModel, Signal, Tier } from '../config/types'
import { hits, type SignalStat } from './analyze'
import type { ValueStore } from './values'

/**
 * AUC of a points model over users: the chance that a random converter
 * scores above a random non-converter (ties count half). Binary signals
 * give at most 2^k distinct scores, so users are grouped by which signals
 * they hit and no per-user sort is needed.
 */
export function patternAuc(cols: Uint8Array[], weights: number[], converted: ArrayLike<boolean | number>, users: ArrayLike<number>): number {
  const k = cols.length
  const counts = Array.from({ length: 1 << k }, () => [0, 0])
  for (let i = 0; i < users.length; i++) {
    let p = 0
    for (let j = 0; j < k; j++) p |= cols[j][i] << j
    counts[p][converted[users[i]] ? 0 : 1]++
  }
  const groups = counts.map(([c, o], p) => ({ c, o, s: weights.reduce((n, w, j) => n + (p & (1 << j) ? w : 0), 0) }))
  groups.sort((a, b) => a.s - b.s)
  let below = 0
  let wins = 0
  let n1 = 0
  let n0 = 0
  for (let i = 0; i < groups.length; ) {
    let c = 0
    let o = 0
    const s = groups[i].s
    for (; i < groups.length && groups[i].s === s; i++) (c += groups[i].c), (o += groups[i].o)
    wins += c * (below + o / 2)
    below += o
    n1 += c
    n0 += o
  }
  return n1 && n0 ? wins / (n1 * n0) : 0.5
}

export interface Selection {
  picks: SignalStat[]
  /** AUC after each pick, on the users selection ran on. */
  auc: number[]
}

/** ln(odds ratio) at the cut: the naive-Bayes points a hit is worth. */
export const power = (s: SignalStat): number => Math.max(0.01, s.stats?.logOdds ?? 0)

/**
 * Greedy forward selection: start empty, add the eligible signal that
 * raises the AUC of the points model most, stop at `max` signals or when
 * the best gain is under `minGain` (once `min` are in). Choosing by AUC
 * gain, not by lift alone, skips a second measure of the same behaviour
 * (sessions after active days adds little).
 */
export function select(stats: SignalStat[], store: ValueStore, users: ArrayLike<number>, converted: ArrayLike<boolean | number>, o = { min: 3, max: 5, minGain: 0.005, pool: 20 }): Selection {
  const pool = stats.filter((s) => s.eligible).slice(0, o.pool)
  const cols = pool.map((s) => hits(s, store, users))
  const chosen: number[] = []
  const auc: number[] = []
  let current = 0.5
  while (chosen.length < o.max) {
    let best = -1
    let bestAuc = -1
    for (let i = 0; i < pool.length; i++) {
      if (chosen.includes(i)) continue
      const set = [...chosen, i]
      const a = patternAuc(set.map((j) => cols[j]), set.map((j) => power(pool[j])), converted, users)
      if (a > bestAuc) (bestAuc = a), (best = i)
    }
    if (best < 0) break
    const gain = bestAuc - current
    if (gain <= 0 || (chosen.length >= o.min && gain < o.minGain)) break
    chosen.push(best)
    auc.push(bestAuc)
    current = bestAuc
  }
  return { picks: chosen.map((i) => pool[i]), auc }
}

/** Points out of 100 in proportion to `weights`, rounded by largest remainder so they sum to exactly 100, each at least 1. */
export function toPoints(weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0) || 1
  const exact = weights.map((w) => (w / sum) * 100)
  const pts = exact.map((x) => Math.max(1, Math.floor(x)))
  let left = 100 - pts.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0])
  for (let k = 0; left > 0; k = (k + 1) % pts.length, left--) pts[order[k][1]]++
  for (let k = pts.length - 1; left < 0; k = (k - 1 + pts.length) % pts.length) if (pts[order[k][1]] > 1) pts[order[k][1]]--, left++
  return pts
}

const FAMILIES: Array<[RegExp, string, string]> = [
  [/invit|teammate|team|seat|member|share|collab/i, 'team', 'Team expansion'],
  [/integrat|connect|import|api|webhook|sync/i, 'integrations', 'Integrations'],
  [/pricing|upgrade|billing|plan|limit|paid|checkout/i, 'intent', 'Explicit intent'],
]

/** A picked signal's dimension: its dimension in the starting config, else its family. */
export function dimensionOf(s: SignalStat, start: ResolvedModel): { id: string; label: string } {
  const c = s.cand
  if (c.dimension) return { id: c.dimension, label: start.dimensions[c.dimension].label ?? c.dimension }
  if (c.source === 'observed') return { id: 'engagement', label: 'Engagement' }
  const name = 'event' in c.signal ? c.signal.event : c.id
  const f = FAMILIES.find(([re]) => re.test(name))
  return f ? { id: f[1], label: f[2] } : { id: 'usage', label: 'Usage depth' }
}

/** The proposed model's signals and dimensions: binary credit at each cut, weights in points summing to 100. */
export function buildModel(picks: SignalStat[], start: ResolvedModel): { signals: Record<string, Signal>; dimensions: Record<string, Dimension>; points: number[] } {
  const points = toPoints(picks.map(power))
  const signals: Record<string, Signal> = {}
  const dimensions: Record<string, Dimension> = {}
  picks.forEach((s, i) => {
    const sig = { ...s.cand.signal, threshold: s.threshold!, credit: 'binary', weight: points[i] } as Signal
    if (sig.type === 'occurred') delete (sig as { threshold?: number }).threshold
    signals[s.cand.id] = sig
    const d = dimensionOf(s, start)
    const dim = (dimensions[d.id] ||= { label: d.label, weight: 0, signals: [] })
    dim.weight += points[i]
    dim.signals.push(s.cand.id)
  })
  return { signals, dimensions, points }
}

/**
 * Index of the PQL tier: named "pql", else the second highest; never the
 * first, which starts at 0 and would flag everyone (a one-tier model has no
 * PQL tier: the index is past its end, so nobody is flagged). The proposal
 * and the evaluation both use this, so they measure the same tier.
 */
export const pqlIndex = (tiers: Tier[]): number => {
  const i = tiers.findIndex((t) => t.name === 'pql')
  return Math.max(1, i >= 0 ? i : tiers.length - 2)
}

/** Share of `scores` (a histogram: count per score 0..100) at or above `min`. */
const shareAt = (hist: number[], min: number, total: number) => hist.slice(min).reduce((a, b) => a + b, 0) / (total || 1)

/**
 * Tier minimums from a score histogram: the PQL tier (named "pql", else the
 * second highest; never the first, which starts at 0; needs 2+ tiers) starts at the score whose share of users at or above it
 * is closest to `share`; tiers above it take a third of the share each,
 * tiers below three times it, kept strictly ascending from 0.
 */
export function pickTiers(tiers: Tier[], hist: number[], share: number): { tiers: Tier[]; pql: number; share: number } {
  const total = hist.reduce((a, b) => a + b, 0)
  const L = tiers.length
  const k = pqlIndex(tiers)
  const closest = (target: number) => {
    let best = 1
    for (let m = 1; m <= 100; m++) if (Math.abs(shareAt(hist, m, total) - target) <= Math.abs(shareAt(hist, best, total) - target)) best = m
    return best
  }
  // The PQL boundary is the one asked for; the others fit around it.
  const mins = tiers.map(() => 0)
  mins[k] = Math.max(k, Math.min(closest(share), 100 - (L - 1 - k)))
  for (let i = k + 1; i < L; i++) mins[i] = Math.min(Math.max(closest(share / 3 ** (i - k)), mins[i - 1] + 1), 100 - (L - 1 - i))
  for (let i = k - 1; i >= 1; i--) mins[i] = Math.max(i, Math.min(closest(Math.min(0.95, share * 3 ** (k - i))), mins[i + 1] - 1))
  return { tiers: tiers.map((t, i) => ({ ...t, min: mins[i] })), pql: k, share: shareAt(hist, mins[k], total) }
}
