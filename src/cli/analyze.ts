import type { Candidate } from './candidates'
import { bestCut, chi2Critical, cutsIn, type Histogram, lift, type LiftStats } from './lift'
import type { ValueStore } from './values'

/** One candidate's result: its best cut and how converters and others compare at it. */
export interface SignalStat {
  index: number
  cand: Candidate
  /** The chosen cut (hit = value >= cut, or <= for lower-is-better); null when no cut separates anyone. */
  threshold: number | null
  stats: LiftStats | null
  /** Users with any non-default value (did the event at all, had a value). */
  users: number
  /** Usable in a model: enough users on each side of the cut, the lift interval above 1, and chi-square past the corrected critical value. */
  eligible: boolean
  /** Why not eligible, in words. */
  flag?: string
}

/** Value histograms by class for every candidate, over `users`. */
export function histograms(store: ValueStore, nCands: number, users: ArrayLike<number>, converted: ArrayLike<boolean | number>): { hist: Histogram[]; n1: number; n0: number; seen: Int32Array } {
  const hist: Histogram[] = Array.from({ length: nCands }, () => new Map())
  const stored = Array.from({ length: nCands }, () => [0, 0])
  let n1 = 0
  for (let i = 0; i < users.length; i++) {
    const u = users[i]
    const cls = converted[u] ? 0 : 1
    if (!cls) n1++
    store.each(u, (c, v) => {
      let h = hist[c].get(v)
      if (!h) hist[c].set(v, (h = [0, 0]))
      h[cls]++
      stored[c][cls]++
    })
  }
  const n0 = users.length - n1
  const seen = new Int32Array(nCands)
  for (let c = 0; c < nCands; c++) {
    const d = store.defaults[c]
    const rest: [number, number] = [n1 - stored[c][0], n0 - stored[c][1]]
    const h = hist[c].get(d) ?? [0, 0]
    if (rest[0] + rest[1]) hist[c].set(d, [h[0] + rest[0], h[1] + rest[1]])
    seen[c] = stored[c][0] + stored[c][1]
  }
  return { hist, n1, n0, seen }
}

/** The loosest cut that still leaves someone out: "did it at all" for counts. */
function loosest(hist: Histogram, n1: number, n0: number, lower: boolean): { threshold: number; stats: LiftStats } | null {
  const values = [...hist.keys()].filter((v) => !Number.isNaN(v)).sort((x, y) => (lower ? x - y : y - x))
  let a = 0
  let c = 0
  let out = null
  for (const v of values) {
    const [x, y] = hist.get(v)!
    if (a + c + x + y === n1 + n0) break
    a += x
    c += y
    out = { threshold: v, stats: lift(a, n1, c, n0) }
  }
  return out
}

/**
 * Tests every candidate on `users` and ranks them: usable signals first,
 * then the rest, each by the low end of the lift's 95% interval (the lift
 * the data supports with confidence, so a large lift on a handful of users
 * does not outrank a solid one).
 */
export function analyze(cands: Candidate[], store: ValueStore, users: ArrayLike<number>, converted: ArrayLike<boolean | number>, minUsers: number): SignalStat[] {
  const { hist, n1, n0, seen } = histograms(store, cands.length, users, converted)
  const crit = chi2Critical(hist.reduce((n, h) => n + cutsIn(h), 0))
  const out = cands.map((cand, index): SignalStat => {
    const cut = bestCut(hist[index], n1, n0, cand.lower, minUsers)
    const base = { index, cand, users: seen[index] }
    if (cut) {
      const s = cut.stats
      const flag = !cut.enough ? `too few users (under ${minUsers} on one side of the cut)` : s.lo <= 1 || s.chi2 < crit ? `not significant (chi-square ${s.chi2.toFixed(1)} < ${crit.toFixed(1)} needed after trying every cut)` : undefined
      return { ...base, threshold: cut.threshold, stats: s, eligible: !flag, ...(flag ? { flag } : {}) }
    }
    const any = loosest(hist[index], n1, n0, cand.lower)
    if (!any) return { ...base, threshold: null, stats: null, eligible: false, flag: seen[index] ? 'no variation' : 'never seen' }
    return { ...base, threshold: any.threshold, stats: any.stats, eligible: false, flag: 'converters do not hit it more often' }
  })
  const key = (s: SignalStat) => (s.stats ? s.stats.lo : -Infinity)
  return out.sort((x, y) => Number(y.eligible) - Number(x.eligible) || key(y) - key(x) || x.index - y.index)
}

/** Whether each of `users` hits a signal at its cut. */
export function hits(s: SignalStat, store: ValueStore, users: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(users.length)
  if (s.threshold === null) return out
  const t = s.threshold
  for (let i = 0; i < users.length; i++) {
    const v = store.get(users[i], s.index)
    out[i] = (s.cand.lower ? v <= t : v >= t) ? 1 : 0
  }
  return out
}
