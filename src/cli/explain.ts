import { basename } from 'node:path'
import { score, type ScoreResult } from '../score/score'
import { nextTierState, type TierChange, type TierState } from '../score/tier'
import { apply, dayOf, emptyAggregates, type Op, planFor } from '../store/aggregate'
import { startConfig } from './config-file'
import { CliError, type Io, Problems } from './io'
import { eachLine, type EventRow, parseEvent } from './ndjson'

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
 * hysteresis), a day at a time, as the browser would have seen them.
 */
export async function explainUser(o: ExplainOptions, problems: Problems): Promise<Explained> {
  const { config } = startConfig(o.config)
  const file = basename(o.events)
  const mine: EventRow[] = []
  let others = 0
  await eachLine(o.events, (line, n) => {
    const p = parseEvent(line)
    if ('problem' in p) return problems.add(file, p.problem, n)
    if (!('ok' in p)) return
    if (p.ok.userId === o.user) mine.push(p.ok)
    else others++
  })
  if (!mine.length) throw new CliError(`no events for user "${o.user}" in ${file} (${others.toLocaleString('en-US')} events of other users read)`)
  mine.sort((a, b) => a.t - b.t)
  const at = o.at ?? mine[mine.length - 1].t
  const events = mine.filter((e) => e.t <= at)
  if (!events.length) throw new CliError(`user "${o.user}" has no events at or before ${new Date(at).toISOString()}`)
  const model = config.model
  const plan = planFor(model, config.sessionTimeout)
  const tz = -o.utcOffset
  const trialStart = o.trialStart ?? config.trial.start
  const agg = emptyAggregates(trialStart ?? events[0].t, tz)
  if (trialStart !== undefined || config.trial.end !== undefined) apply(agg, plan, [{ k: 'trial', start: trialStart, end: config.trial.end }], events[0].t)
  let state: TierState | null = null
  const changes: TierChange[] = []
  const step = (now: number) => {
    const r = score(model, agg, now)
    const next = nextTierState(model.tiers, state, r.score, model.hysteresis, r.floorTier, now)
    state = next.state
    if (next.change) changes.push(next.change)
    return r
  }
  for (let i = 0; i < events.length; ) {
    const day = dayOf(events[i].t, tz)
    const ops: Op[] = []
    for (; i < events.length && dayOf(events[i].t, tz) === day; i++) ops.push({ k: 'e', n: events[i].name, p: events[i].props, t: events[i].t })
    const now = (ops[ops.length - 1] as { t: number }).t
    apply(agg, plan, ops, now)
    step(now)
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
