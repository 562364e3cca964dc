import type { ResolvedModel } from '../config/types'
import { score } from '../score/score'
import { signalValue } from '../score/signals'
import { tierFor } from '../score/tier'
import { planFor } from '../store/aggregate'
import type { Candidate } from './candidates'
import type { ModelRun } from './evaluate'
import type { Ingested } from './ingest'
import type { Progress } from './progress'
import { byUser } from './partition'
import { pqlIndex } from './propose'
import { cutFor, type Observe, replay } from './replay'
import { ValueStore } from './values'

/** Per-user facts every pass needs, arrays indexed like the labels. */
export interface Population {
  converted: Uint8Array
  /** Conversion time (label, else first conversion event), NaN when unknown or not converted. */
  convertedAt: Float64Array
  /** Trial start (labels, else the user's identify messages), else first event. */
  start: Float64Array
  /** Trial start from the labels (replayed first, wins over identify messages), NaN when none. */
  trialStart: Float64Array
  /** Exclusive cut: events at or after it are not replayed. */
  cut: Float64Array
  /** Per user: the timezone offset of their identify messages, else the run's (`--utc-offset`). */
  tz: Float64Array
  sessionTimeout: number
}

export function population(ing: Ingested, converted: boolean[], labelAt: number[], trialStart: number[], tz: number, sessionTimeout: number, observe: (p: Population) => Observe, draw: (u: number) => number): Population {
  const n = converted.length
  const p: Population = {
    converted: Uint8Array.from(converted, Number),
    convertedAt: new Float64Array(n).fill(NaN),
    start: new Float64Array(n).fill(NaN),
    trialStart: Float64Array.from(trialStart),
    cut: new Float64Array(n).fill(NaN),
    tz: Float64Array.from(ing.tz, (z) => (Number.isFinite(z) ? z : tz)),
    sessionTimeout,
  }
  for (let u = 0; u < n; u++) {
    if (converted[u]) p.convertedAt[u] = Number.isFinite(labelAt[u]) ? labelAt[u] : ing.conversionAt[u]
    p.start[u] = Number.isFinite(trialStart[u]) ? trialStart[u] : Number.isFinite(ing.trialStart[u]) ? ing.trialStart[u] : ing.firstSeen[u]
  }
  const o = observe(p)
  for (let u = 0; u < n; u++) if (ing.count[u]) p.cut[u] = cutFor(o, p.start[u], p.convertedAt[u], p.tz[u], draw(u))
  return p
}

/**
 * Second pass: replays every user up to their cut through the SDK's
 * aggregates and reads each candidate's value with the SDK's own
 * `signalValue`, as of the cut.
 */
export function measure(ing: Ingested, pop: Population, cands: Candidate[], base: ResolvedModel, progress: Progress): ValueStore {
  const model: ResolvedModel = { ...base, signals: Object.fromEntries(cands.map((c) => [c.id, c.signal])), dimensions: {}, criteria: [] }
  const plan = planFor(model, pop.sessionTimeout)
  const store = new ValueStore(pop.cut.length, Float64Array.from(cands, (c) => (c.lower ? NaN : 0)))
  const values: Array<number | null> = new Array(cands.length)
  for (let i = 0; i < ing.parts.count; i++) {
    progress.update(i)
    const block = ing.parts.load(i)
    for (const { user: u, rows } of byUser(block)) {
      const agg = replay(plan, { block, rows, names: ing.names }, pop.start[u], pop.trialStart[u], pop.tz[u], pop.cut[u])
      const now = pop.cut[u] - 1
      for (let c = 0; c < cands.length; c++) values[c] = signalValue(cands[c].signal, agg, now)
      store.set(u, values)
    }
  }
  return store
}

/**
 * Third pass: replays every user through the real models (the proposed
 * config and the starting one, as resolved by `resolveConfig`) and scores
 * them with the SDK's `score` and `tierFor` at the cut. Converters are
 * replayed day by day to find when they first reached the PQL tier.
 */
export function runModels(ing: Ingested, pop: Population, models: ResolvedModel[], progress: Progress): ModelRun[] {
  const n = pop.cut.length
  const union: ResolvedModel = { ...models[0], dimensions: {}, criteria: [], signals: Object.assign({}, ...models.map((m, i) => Object.fromEntries(Object.entries(m.signals).map(([k, s]) => [i + ':' + k, s])))) }
  const plan = planFor(union, pop.sessionTimeout)
  const runs: ModelRun[] = models.map(() => ({ score: new Uint8Array(n), flagged: new Uint8Array(n), crossedAt: new Float64Array(n).fill(NaN) }))
  const pql = models.map((m) => pqlIndex(m.tiers))
  const tierIndex = (m: ResolvedModel, s: ReturnType<typeof score>) => m.tiers.findIndex((t) => t.name === tierFor(m.tiers, s.score, null, m.hysteresis, s.floorTier))
  for (let i = 0; i < ing.parts.count; i++) {
    progress.update(i)
    const block = ing.parts.load(i)
    for (const { user: u, rows } of byUser(block)) {
      const onDay = pop.converted[u]
        ? (agg: Parameters<typeof score>[1], now: number) =>
            models.forEach((m, k) => Number.isNaN(runs[k].crossedAt[u]) && tierIndex(m, score(m, agg, now)) >= pql[k] && (runs[k].crossedAt[u] = now))
        : undefined
      const agg = replay(plan, { block, rows, names: ing.names }, pop.start[u], pop.trialStart[u], pop.tz[u], pop.cut[u], onDay)
      models.forEach((m, k) => {
        const s = score(m, agg, pop.cut[u] - 1)
        runs[k].score[u] = s.score
        runs[k].flagged[u] = tierIndex(m, s) >= pql[k] ? 1 : 0
        // Reached only at the cut (a window or streak, not an event, tipped it): crossed then.
        if (pop.converted[u] && runs[k].flagged[u] && Number.isNaN(runs[k].crossedAt[u])) runs[k].crossedAt[u] = pop.cut[u] - 1
      })
    }
  }
  return runs
}
