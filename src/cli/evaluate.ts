import { wilson } from './lift'
import { DAY } from './replay'

/** Per-user results of replaying one model, arrays indexed by user. */
export interface ModelRun {
  /** Score at the observation point. */
  score: Uint8Array
  /** In the PQL tier (or above) at the observation point. */
  flagged: Uint8Array
  /** First time the user reached the PQL tier before the cut (NaN: never; computed for converters). */
  crossedAt: Float64Array
}

export interface TierMetrics {
  users: number
  flagged: number
  /** Share of users in the PQL tier or above. */
  share: number
  converters: number
  baseRate: number
  /** Conversion rate of flagged users, with its 95% Wilson interval. */
  precision: number
  precisionCI: [number, number]
  /** Share of converters flagged. */
  recall: number
  /** precision / base rate. */
  lift: number
  /** Median days between crossing into the PQL tier and converting, over flagged converters with a conversion time. */
  medianDaysBefore: number | null
  daysN: number
  auc: number
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** AUC of integer scores 0..100: chance a converter outscores a non-converter (ties half). */
export function scoreAuc(users: ArrayLike<number>, score: ArrayLike<number>, converted: ArrayLike<boolean | number>): number {
  const c = new Float64Array(101)
  const o = new Float64Array(101)
  for (let i = 0; i < users.length; i++) (converted[users[i]] ? c : o)[score[users[i]]]++
  let below = 0
  let wins = 0
  let n1 = 0
  for (let s = 0; s <= 100; s++) {
    wins += c[s] * (below + o[s] / 2)
    below += o[s]
    n1 += c[s]
  }
  return n1 && below ? wins / (n1 * below) : 0.5
}

export function metrics(users: ArrayLike<number>, run: ModelRun, converted: ArrayLike<boolean | number>, convertedAt: ArrayLike<number>): TierMetrics {
  let flagged = 0
  let converters = 0
  let hit = 0
  const days: number[] = []
  for (let i = 0; i < users.length; i++) {
    const u = users[i]
    const f = run.flagged[u]
    flagged += f
    if (!converted[u]) continue
    converters++
    hit += f
    const lead = convertedAt[u] - run.crossedAt[u]
    if (f && lead >= 0) days.push(lead / DAY)
  }
  const n = users.length
  const precision = flagged ? hit / flagged : 0
  const baseRate = n ? converters / n : 0
  return {
    users: n, flagged, share: n ? flagged / n : 0, converters, baseRate,
    precision, precisionCI: wilson(hit, flagged),
    recall: converters ? hit / converters : 0,
    lift: baseRate ? precision / baseRate : 0,
    medianDaysBefore: median(days), daysN: days.length,
    auc: scoreAuc(users, run.score, converted),
  }
}

/** For every possible PQL minimum 1..100: share flagged, precision and recall (scores only, no hysteresis or criteria). */
export function tradeoff(users: ArrayLike<number>, score: ArrayLike<number>, converted: ArrayLike<boolean | number>): Array<{ min: number; share: number; precision: number; recall: number }> {
  const c = new Float64Array(102)
  const all = new Float64Array(102)
  for (let i = 0; i < users.length; i++) {
    all[score[users[i]]]++
    if (converted[users[i]]) c[score[users[i]]]++
  }
  for (let s = 99; s >= 0; s--) (all[s] += all[s + 1]), (c[s] += c[s + 1])
  const out = []
  for (let m = 1; m <= 100; m++) out.push({ min: m, share: all[m] / (all[0] || 1), precision: all[m] ? c[m] / all[m] : 0, recall: c[0] ? c[m] / c[0] : 0 })
  return out
}

/** Conversion rate by score band of `width` points (the last band includes 100). */
export function bands(users: ArrayLike<number>, score: ArrayLike<number>, converted: ArrayLike<boolean | number>, width = 10): Array<{ from: number; to: number; users: number; converters: number; rate: number; ci: [number, number] }> {
  const count = Math.ceil(100 / width)
  const out = Array.from({ length: count }, (_, i) => ({ from: i * width, to: i === count - 1 ? 100 : (i + 1) * width - 1, users: 0, converters: 0, rate: 0, ci: [0, 1] as [number, number] }))
  for (let i = 0; i < users.length; i++) {
    const b = out[Math.min(count - 1, Math.floor(score[users[i]] / width))]
    b.users++
    if (converted[users[i]]) b.converters++
  }
  for (const b of out) (b.rate = b.users ? b.converters / b.users : 0), (b.ci = wilson(b.converters, b.users))
  return out
}

/** Histogram of scores 0..100 over users. */
export function scoreHistogram(users: ArrayLike<number>, score: ArrayLike<number>): number[] {
  const h = new Array(101).fill(0)
  for (let i = 0; i < users.length; i++) h[score[users[i]]]++
  return h
}
