import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { defaultTiers } from '../config/presets'
import type { Config } from '../config/types'
import { resolveConfig } from '../config/validate'
import { planFor } from '../store/aggregate'
import { analyze, hits, type SignalStat } from './analyze'
import { buildCandidates, type Candidate } from './candidates'
import { bands, median, metrics, type ModelRun, scoreHistogram, type TierMetrics, tradeoff } from './evaluate'
import { ingest, OTHER } from './ingest'
import { startConfig } from './config-file'
import { CliError, Problems } from './io'
import { readLabels } from './labels'
import { inputBytes } from './ndjson'
import { measure, population, runModels } from './passes'
import type { Progress } from './progress'
import { buildModel, pickTiers, select } from './propose'
import { DAY } from './replay'

export interface CalibrateOptions {
  events: string
  labels: string
  config?: string
  /** Observe each user this many days after their start (default 14)... */
  observeDay: number
  /** ...or just before conversion (converters) and at the median converter's age (the rest). */
  beforeConversion: boolean
  /** Window in days of the observed measures (active days, sessions); default: observeDay, or 14. */
  window?: number
  pqlShare: number
  holdout: number
  minUsers: number
  maxSignals: number
  exclude: string[]
  /** Minutes east of UTC used to cut days (60 for CET). */
  utcOffset: number
  seed: number
  /** Input bytes per partition of the first pass (smaller: less memory, more files). */
  partitionBytes: number
  progress: Progress
}

export interface Evaluation {
  proposed: TierMetrics
  start: TierMetrics
  /** The starting model with its PQL boundary re-picked for the same share: separates better signals from a better threshold. */
  startRepicked: TierMetrics & { min: number }
}

export interface Calibration {
  input: {
    events: string; labels: string; lines: number; accepted: number; labelled: number; users: number; converters: number; baseRate: number; candidates: number
    /** Identify messages of labelled users read; pre-identify events counted for identified users, and their anonymousIds. */
    identifies: number; adopted: { events: number; anonymousIds: number }
  }
  observation: string
  problems: Problems
  notes: string[]
  split: { train: number; test: number; inSample: boolean }
  signals: SignalStat[]
  picks: Array<{ id: string; points: number; dimension: string }>
  auc: number[]
  config: Config | null
  tiers: Array<{ name: string; min: number }>
  pql: { target: number; trainShare: number; name: string; min: number }
  test: Evaluation | null
  train: Evaluation | null
  bands: { proposed: ReturnType<typeof bands>; start: ReturnType<typeof bands> } | null
  tradeoff: ReturnType<typeof tradeoff> | null
  /** Users whose replayed proposed score differs from the analysis' points (0 expected). */
  mismatches: number
  /** Seconds spent reading and partitioning, measuring candidates, replaying the models. */
  seconds: { read: number; measure: number; models: number }
}

const hash = (s: string, seed: number) => {
  let h = (2166136261 ^ seed) >>> 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0
  return h / 4294967296
}

/**
 * `momentkit calibrate`: labels, then three passes over the events (read
 * and partition by user; replay for every candidate's value; replay the
 * proposed and starting models), analysis on the training users and
 * evaluation on the held-out ones.
 */
export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const problems = new Problems()
  const notes: string[] = []
  const { raw, config: start } = startConfig(o.config)
  const labels = await readLabels(o.labels, problems)
  if (!labels.ids.length) throw new CliError(`nothing usable: ${basename(o.labels)} has no valid label rows\n` + problems.lines().join('\n'))
  const startPlan = planFor(start.model, start.sessionTimeout)
  const propsFor = new Set(Object.keys(startPlan.taps).filter((n) => startPlan.taps[n].some((t) => t.where || t.props.length)))
  const bytes = inputBytes(o.events)
  const partitions = bytes ? Math.min(256, Math.max(1, Math.ceil(bytes / o.partitionBytes))) : 64
  const clock = [Date.now()]
  const lap = () => (Date.now() - clock[clock.push(Date.now()) - 2]) / 1000
  const seconds = { read: 0, measure: 0, models: 0 }
  o.progress.phase('1/3 reading events', bytes)
  const ing = await ingest(o.events, labels, { problems, conversionEvent: start.conversionEvent, propsFor, partitions, progress: (b, n) => o.progress.update(b, n) })
  try {
    const users: number[] = []
    labels.ids.forEach((_, u) => (ing.count[u] ? users.push(u) : problems.add(basename(o.labels), 'users without any event in the events file (left out)', labels.line[u])))
    const conv = labels.converted
    const converters = users.filter((u) => conv[u]).length
    if (!users.length) throw new CliError('nothing usable: no labelled user has a valid event\n' + problems.lines().join('\n'))
    if (!converters || converters === users.length) throw new CliError(`nothing to compare: all ${users.length} users with events are ${converters ? 'converters' : 'non-converters'}`)

    if (ing.adopted.events) notes.push(`${ing.adopted.events} events sent before identify (anonymousId only) counted for the user their anonymousId later identified as (${ing.adopted.anonymousIds} anonymousIds)`)
    if (ing.sharedAnonymousIds) notes.push(`${ing.sharedAnonymousIds} anonymousIds appear with more than one user (a shared browser): their pre-identify events count for the one identified first`)
    if (ing.identifies) {
      const trials = users.filter((u) => Number.isFinite(ing.trialStart[u]))
      const both = trials.filter((u) => Number.isFinite(labels.trialStart[u])).length
      const zones = users.filter((u) => Number.isFinite(ing.tz[u])).length
      notes.push(`${ing.identifies} identify messages read: trial start for ${trials.length} users${both ? ` (the labels' trialStart wins for ${both})` : ''}, the browser's timezone offset for ${zones} (the others: --utc-offset)`)
    }
    const tz = -o.utcOffset
    let matched = 0
    const pop = population(ing, conv, labels.convertedAt, labels.trialStart, tz, start.sessionTimeout, (p) => {
      if (!o.beforeConversion) return { mode: 'day', days: o.observeDay }
      const ages = users.filter((u) => Number.isFinite(p.convertedAt[u])).map((u) => p.convertedAt[u] - p.start[u]).filter((a) => a >= 0).sort((a, b) => a - b)
      if (!ages.length) notes.push('no converter has a conversion time: the others are observed at day 14')
      matched = (median(ages) ?? 14 * DAY) / DAY
      return { mode: 'conversion', ages: ages.length ? ages : [14 * DAY] }
    }, (u) => hash(labels.ids[u], o.seed + 1))
    const noTime = users.filter((u) => conv[u] && !Number.isFinite(pop.convertedAt[u])).length
    if (noTime) notes.push(`${noTime} converters have no conversion time (no convertedAt, no "${start.conversionEvent}" event): they are observed like non-converters, and events after their conversion may leak in`)
    const contradicted = users.filter((u) => !conv[u] && Number.isFinite(ing.conversionAt[u])).length
    if (contradicted) notes.push(`${contradicted} users labelled not converted have a "${start.conversionEvent}" event: check the labels`)
    const inferred = users.filter((u) => conv[u] && !Number.isFinite(labels.convertedAt[u]) && Number.isFinite(pop.convertedAt[u])).length
    if (inferred) notes.push(`${inferred} converters' conversion time taken from their first "${start.conversionEvent}" event`)
    const early = users.filter((u) => conv[u] && pop.cut[u] === pop.convertedAt[u]).length
    if (!o.beforeConversion && early) notes.push(`${early} converters converted before day ${o.observeDay}: they are observed just before converting`)
    const observation = o.beforeConversion
      ? `just before conversion (converters); the others at ages drawn from the converters' conversion ages (median ${matched.toFixed(1)} days after start)`
      : `start of day ${o.observeDay} after each user's ${labels.trialStart.some(Number.isFinite) || ing.trialStart.some(Number.isFinite) ? 'trial start (else first event)' : 'first event'}`

    const test = users.filter((u) => hash(labels.ids[u], o.seed) < o.holdout)
    const trainAll = users.filter((u) => hash(labels.ids[u], o.seed) >= o.holdout)
    const train = trainAll.length ? trainAll : users
    const evalOn = test.length ? test : train
    if (!test.length) notes.push('no held-out users: figures are in-sample and flatter the model')

    const exclude = new Set([start.conversionEvent, OTHER, ...o.exclude])
    const cands: Candidate[] = buildCandidates(start.model, ing.names, o.window ?? (o.beforeConversion ? 14 : o.observeDay), exclude)
    seconds.read = lap()
    o.progress.phase('2/3 measuring signals', ing.parts.count)
    const store = measure(ing, pop, cands, start.model, o.progress)
    seconds.measure = lap()
    const signals = analyze(cands, store, train, conv, o.minUsers)
    const sel = select(signals, store, train, conv, { min: 3, max: o.maxSignals, minGain: 0.005, pool: 20 })
    const base: Calibration = {
      input: { events: o.events, labels: o.labels, lines: ing.lines, accepted: ing.accepted, labelled: labels.ids.length, users: users.length, converters, baseRate: converters / users.length, candidates: cands.length, identifies: ing.identifies, adopted: ing.adopted },
      observation, problems, notes, signals, split: { train: train.length, test: test.length, inSample: !test.length },
      picks: [], auc: sel.auc, config: null, tiers: [], pql: { target: o.pqlShare, trainShare: 0, name: '', min: 0 },
      test: null, train: null, bands: null, tradeoff: null, mismatches: 0, seconds,
    }
    if (!sel.picks.length) return (notes.push('no signal separates converters from the others at this sample size: no model proposed'), base)
    if (sel.picks.length < 3) notes.push(`only ${sel.picks.length} usable signal(s) found (3-5 recommended)`)

    const model = buildModel(sel.picks, start.model)
    const cols = sel.picks.map((s) => hits(s, store, train))
    const points = new Uint8Array(pop.cut.length)
    train.forEach((u, i) => (points[u] = cols.reduce((n, col, j) => n + col[i] * model.points[j], 0)))
    const tiers = pickTiers(start.model.tiers.length >= 2 ? start.model.tiers : defaultTiers, scoreHistogram(train, points), o.pqlShare)
    const m = (raw.model ?? {}) as Record<string, unknown>
    const ids = new Set(Object.keys(model.signals))
    const criteria = start.model.criteria.filter((c) => c.all.every((id) => ids.has(id)))
    if (criteria.length < start.model.criteria.length) notes.push(`${start.model.criteria.length - criteria.length} criteria of the starting config dropped: they name signals the proposed model does not have`)
    const { preset: _p, signals: _s, dimensions: _d, criteria: _c, features: _f, ...keep } = m
    const body = { signals: model.signals, dimensions: model.dimensions, tiers: tiers.tiers, ...(criteria.length ? { criteria } : {}) }
    // Named by its content, not by the day it was made: the same input gives the same file, another model another version.
    const version = 'calibrated-' + createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)
    const config = { ...raw, model: { ...keep, version, ...body } } as Config
    const resolved = resolveConfig(config)
    if (!resolved.ok) throw new Error('internal: the proposed config does not validate: ' + JSON.stringify(resolved.errors))

    o.progress.phase('3/3 replaying models', ing.parts.count)
    const [prop, st] = runModels(ing, pop, [resolved.config.model, start.model], o.progress)
    seconds.models = lap()
    const pqlTier = tiers.tiers[tiers.pql]
    const startHist = scoreHistogram(train, st.score)
    const re = pickTiers([{ name: 'low', min: 0 }, { name: 'pql', min: 1 }], startHist, o.pqlShare).tiers[1].min
    const startRe: ModelRun = { score: st.score, flagged: st.score.map((s) => (s >= re ? 1 : 0)), crossedAt: new Float64Array(pop.cut.length).fill(NaN) }
    const evaluate = (us: number[]): Evaluation => ({
      proposed: metrics(us, prop, pop.converted, pop.convertedAt),
      start: metrics(us, st, pop.converted, pop.convertedAt),
      startRepicked: { ...metrics(us, startRe, pop.converted, pop.convertedAt), min: re },
    })
    return {
      ...base,
      picks: sel.picks.map((s, i) => ({ id: s.cand.id, points: model.points[i], dimension: Object.keys(model.dimensions).find((d) => model.dimensions[d].signals.includes(s.cand.id))! })),
      config, tiers: tiers.tiers.map((t) => ({ name: t.name, min: t.min })),
      pql: { target: o.pqlShare, trainShare: tiers.share, name: pqlTier.name, min: pqlTier.min },
      test: test.length ? evaluate(test) : null,
      train: evaluate(train),
      bands: { proposed: bands(evalOn, prop.score, pop.converted), start: bands(evalOn, st.score, pop.converted) },
      tradeoff: tradeoff(evalOn, prop.score, pop.converted),
      mismatches: train.filter((u) => prop.score[u] !== points[u]).length,
    }
  } finally {
    ing.parts.remove()
  }
}
