import { basename } from 'node:path'
import { score, type ScoreResult } from '../score/score'
import { nextTierState, type TierChange, type TierState } from '../score/tier'
import { apply, emptyAggregates, type Op, planFor } from '../store/aggregate'
import { startConfig } from './config-file'
import { CliError, type Io, Problems } from './io'
import { ingest } from './ingest'
import type { Labels } from './labels'
import { inputBytes } from './ndjson'
import { byUser, TRIAL } from './partition'

export interface ExplainOptions {
  config: string
  events: string
  user: string
  /** Score as of this time (epoch ms); default: the user's last event. */
  at?: number
  trialStart?: number
  utcOffset: number
  json: boolean
}

export interface Explained {
  user: string
  events: number
  from: number
  at: number
  result: ScoreResult
  tier: TierState
  changes: TierChange[]
}

/**
 * Replays one user's events through the SDK (aggregates, score, tiers with
 * hysteresis), event by event, as the browser would have seen them. The
 * events file is read as calibrate reads it (`ingest`): the user's
 * pre-identify events (anonymousId only) count, and their identify
 * messages' trial dates and timezone offset apply.
 */
export async function explainUser(o: ExplainOptions, problems: Problems): Promise<Explained> {
  const { config } = startConfig(o.config)
  const file = basename(o.events)
  const model = config.model
  const plan = planFor(model, config.sessionTimeout)
  const labels: Labels = { index: new Map([[o.user, 0]]), ids: [o.user], converted: [false], convertedAt: [NaN], trialStart: [NaN], line: [0] }
  const propsFor = new Set(Object.keys(plan.taps).filter((n) => plan.taps[n].some((t) => t.where || t.props.length)))
  // Larger inputs (and stdin): anonymous messages are held in a temporary file, not in memory.
  const bytes = inputBytes(o.events)
  const ing = await ingest(o.events, labels, { problems, conversionEvent: config.conversionEvent, propsFor, partitions: bytes && bytes < 64 << 20 ? 1 : 2, quietUnlabelled: true })
  let items: Array<{ t: number; op: Op; event: boolean }>
  try {
    const block = ing.parts.load(0)
    const rows = byUser(block)[0]?.rows ?? new Int32Array(0)
    const fixed = o.trialStart !== undefined
    items = Array.from(rows, (r) => {
      if (block.name[r] !== TRIAL) return { t: block.t[r], op: { k: 'e', n: ing.names[block.name[r]], p: block.props[r], t: block.t[r] } as Op, event: true }
      const d = block.props[r] as { start?: number; end?: number }
      return { t: block.t[r], op: { k: 'trial', start: fixed ? undefined : d.start, end: d.end } as Op, event: false }
    })
  } finally {
    ing.parts.remove()
  }
  if (!ing.count[0]) throw new CliError(`no events for user "${o.user}" in ${file} (${ing.unlabelledEvents.toLocaleString('en-US')} events of other users read)`)
  const at = o.at ?? items.filter((x) => x.event).pop()!.t
  items = items.filter((x) => x.t <= at)
  const events = items.filter((x) => x.event)
  if (!events.length) throw new CliError(`user "${o.user}" has no events at or before ${new Date(at).toISOString()}`)
  const tz = Number.isFinite(ing.tz[0]) ? ing.tz[0] : -o.utcOffset
  const trialStart = o.trialStart ?? config.trial.start
  const start = trialStart ?? (Number.isFinite(ing.trialStart[0]) ? ing.trialStart[0] : events[0].t)
  const agg = emptyAggregates(start, tz)
  if (trialStart !== undefined || config.trial.end !== undefined) apply(agg, plan, [{ k: 'trial', start: trialStart, end: config.trial.end }], items[0].t)
  let state: TierState | null = null
  const changes: TierChange[] = []
  const step = (now: number) => {
    const r = score(model, agg, now)
    const next = nextTierState(model.tiers, state, r.score, model.hysteresis, r.floorTier, now)
    state = next.state
    if (next.change) changes.push(next.change)
    return r
  }
  // Scored after every event, as the SDK (and the collector's replay) does: a tier change is dated by the event that crossed.
  for (const x of items) {
    apply(agg, plan, [x.op], x.t)
    if (x.event) step(x.t)
  }
  apply(agg, plan, [], at)
  const result = step(at)
  return { user: o.user, events: events.length, from: events[0].t, at, result, tier: state!, changes }
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z')

/** `momentkit explain <config.json> <events.ndjson> --user U` */
export async function explainCommand(o: ExplainOptions, io: Io): Promise<number> {
  const problems = new Problems()
  const x = await explainUser(o, problems)
  if (o.json) {
    io.out(JSON.stringify({ ...x, problems: problems.toJSON() }, null, 2) + '\n')
    return 0
  }
  const { result: r, tier } = x
  const { config } = startConfig(o.config)
  const label = config.model.tiers.find((t) => t.name === tier.tier)?.label ?? tier.tier
  const out: string[] = [
    `user ${x.user}: score ${r.score}, tier ${tier.tier} (${label}) since ${iso(tier.since)}`,
    `model ${config.model.version} · ${x.events} events from ${iso(x.from)} · scored as of ${iso(x.at)}`,
    '',
    'Breakdown (dimension, weight, score, points)',
  ]
  for (const d of r.breakdown) out.push(`  ${d.label.padEnd(22)} ${(d.weight * 100).toFixed(0).padStart(3)}%  ${'█'.repeat(Math.round(d.score * 10)).padEnd(10, '░')} ${d.score.toFixed(2)}  ${d.points.toFixed(1)} pts`)
  out.push('', 'Signals (value, credit)')
  for (const s of Object.values(r.signals)) out.push(`  ${s.id.padEnd(22)} ${String(s.value ?? '-').padStart(6)}  ${s.credit.toFixed(2)}${s.met ? ' met' : '    '}  ${s.reason ?? ''}`.trimEnd())
  out.push('', 'Reasons', ...(r.reasons.length ? r.reasons.map((t) => `  - ${t}`) : ['  (none)']))
  if (r.topFeatures.length) out.push('', 'Top features: ' + r.topFeatures.map((f) => `${f.name} (${f.count})`).join(', '))
  if (r.criteria.length) out.push('', 'Criteria', ...r.criteria.map((c) => `  ${c.met ? '✓' : '✗'} ${c.label}${c.met ? '' : ' (missing: ' + c.missing.join(', ') + ')'}`))
  out.push('', 'Tier changes', ...x.changes.map((c) => `  ${iso(c.at)}  ${c.from ?? '(start)'} → ${c.to}  (score ${c.score})`))
  if (problems.total) out.push('', 'Input problems', ...problems.lines().map((l) => '  ' + l))
  io.out(out.join('\n') + '\n')
  return 0
}
