import { defaultTiers, presets } from './presets'
import type { Config, Dimension, ResolvedConfig, Signal, Tier } from './types'

export interface Problem {
  /** JSON path of the offending value: `model.signals.invites.threshold`. */
  path: string
  message: string
}

/** The error reported when a config does not validate: every problem, with its JSON path. */
export class ConfigError extends Error {
  problems: Problem[]
  constructor(problems: Problem[]) {
    super('invalid config:\n' + problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n'))
    this.name = 'MomentKitConfigError'
    this.problems = problems
  }
}

import { arr, at, bool, id, isNum, isObj, map, num, obj, oneOf, own, str, time, where, type Any, type Rule } from './rules'
import { checkMoments, momentTop } from './moments'
import { defaultMoments } from '../trigger/defaults'
import { toTime } from '../date'

const window: Rule = (v, p, err) => {
  if (isObj(v) && Object.keys(v).length === 1) {
    if (own(v, 'last')) return num(1, 365, 1)(v.last, at(p, 'last'), err)
    const t = own(v, 'trial') ? v.trial : undefined
    if (Array.isArray(t) && t.length === 2 && t.every((d) => Number.isInteger(d)) && t[0] >= 0 && t[1] > t[0] && t[1] <= 365) return
    if (own(v, 'trial')) return err(at(p, 'trial'), 'must be [fromDay, toDay] with 0 <= fromDay < toDay <= 365')
  }
  err(p, 'must be { "last": days } or { "trial": [fromDay, toDay] }')
}

const common: Record<string, Rule> = { type: () => {}, label: str(), reason: str(200, /\{\{(?!\s*(value|threshold|days|label|s)\s*\}\})/), threshold: num(0, 1e9), credit: oneOf('binary', 'partial'), weight: num(0, 1e6) }
const ev = { event: str(), where, window }
const SIGNALS: Record<string, [Record<string, Rule>, string[]]> = {
  count: [ev, ['event']],
  // The aggregates keep up to 64 values per property (MAX_VALUES), so a higher threshold is never met.
  distinct: [{ ...ev, prop: str(), threshold: num(0, 64) }, ['event', 'prop']],
  occurred: [{ ...ev, threshold: oneOf(1) }, ['event']],
  first: [{ event: str() }, ['event']],
  last: [{ event: str() }, ['event']],
  sessions: [{ window }, []],
  // A day is active or not: more days than the window holds (400 without one) are never reached.
  activeDays: [{ window, threshold: num(0, 400) }, []],
  avgSessionLength: [{ window }, []],
  // Days are kept as far back as the threshold asks, up to the 400 the aggregates keep.
  streak: [{ threshold: num(0, 365) }, []],
  recency: [{}, []],
  velocity: [{ threshold: num(-100, 1e9), days: num(1, 90, 1), of: (v, p, err) => (isObj(v) ? obj({ event: str(), where }, ['event'])(v, p, err) : oneOf('sessions', 'activeDays')(v, p, err)) }, ['of']],
}
const signal: Rule = (v, p, err) => {
  if (!isObj(v)) err(p, 'must be an object')
  else if (own(SIGNALS, v.type)) {
    const [shape, required] = SIGNALS[v.type]
    obj({ ...common, ...shape }, v.type === 'occurred' ? required : [...required, 'threshold'])(v, p, err)
  } else oneOf(...Object.keys(SIGNALS))(v.type, at(p, 'type'), err)
}

const model = obj({
  version: str(64),
  preset: oneOf(...Object.keys(presets)),
  signals: map(signal),
  dimensions: map(obj({ label: str(), weight: num(0, 1e6), signals: arr(str()) }, ['weight', 'signals'])),
  tiers: arr(obj({ name: id, label: str(), min: num(0, 100) }, ['name', 'min'])),
  hysteresis: num(0, 50),
  criteria: arr(obj({ id, label: str(), all: arr(str()), tier: id }, ['id', 'all']), 0),
  features: str(),
})

const config = obj({
  $schema: str(2000),
  model,
  sessionTimeout: num(1, 1440),
  trackPages: bool,
  requireConsent: bool,
  trial: obj({ start: time, end: time }),
  // A backslash after "/" resolves like "//" (another host) in browsers, so neither may follow the first slash.
  endpoint: (v, p, err) => (typeof v === 'string' && /^(https?:\/\/[^\s\\]+|\/(?![/\\])[^\s\\]*)$/i.test(v)) || err(p, 'must be an http(s) URL or a path starting with "/"'),
  writeKey: str(200),
  delivery: obj({ format: oneOf('momentkit', 'segment'), batchSize: num(1, 1000, 1), interval: num(0, 600_000), maxQueue: num(100, 100_000, 1), timeout: num(1000, 120_000) }),
  debug: bool,
  namespace: id,
  ...momentTop,
})

/**
 * Validates a config and resolves presets and defaults. Collects every
 * problem, each with its JSON path, rather than stopping at the first.
 *
 * @example
 * const r = resolveConfig({ model: { preset: 'four-category' } })
 * if (!r.ok) console.error(r.errors)
 */
export function resolveConfig(input: unknown): { ok: true; config: ResolvedConfig } | { ok: false; errors: Problem[] } {
  const errors: Problem[] = []
  const err = (path: string, message: string) => void errors.push({ path, message })
  if (!isObj(input)) return { ok: false, errors: [{ path: '', message: 'config must be a JSON object' }] }
  config(input, '', err)
  const c = input as Config
  const m = (isObj(c.model) ? c.model : {}) as Record<string, Any>

  // An unknown preset is reported once; resolving against the default avoids follow-on errors.
  const base = own(presets, m.preset) ? presets[m.preset as keyof typeof presets] : m.preset !== undefined || !(m.signals || m.dimensions) ? presets['five-dimension'] : undefined
  const signals: Record<string, Signal> = { ...base?.signals, ...(isObj(m.signals) ? m.signals : {}) }
  const dimensions: Record<string, Dimension> = { ...base?.dimensions, ...(isObj(m.dimensions) ? m.dimensions : {}) }
  const tiers: Tier[] = Array.isArray(m.tiers) ? m.tiers : defaultTiers
  const known = (list: unknown, path: string, pool: object, what: string) =>
    Array.isArray(list) &&
    list.forEach((x, i) => typeof x === 'string' && (!own(pool, x) ? err(at(path, i), `unknown ${what} "${x}"`) : list.indexOf(x) < i && err(at(path, i), `${what} "${x}" is listed twice`)))

  for (const [k, d] of Object.entries(dimensions)) known(d?.signals, `model.dimensions.${k}.signals`, signals, 'signal')
  if (!Object.values(dimensions).some((d) => isNum(d?.weight) && d.weight > 0)) err('model.dimensions', 'need at least one dimension with a weight above 0')
  tiers.forEach((t, i) => {
    if (!isObj(t)) return
    if (i === 0 && isNum(t.min) && t.min !== 0) err('model.tiers[0].min', 'the first tier must start at 0')
    if (i > 0 && isNum(t.min) && isNum(tiers[i - 1]?.min) && t.min <= tiers[i - 1].min) err(`model.tiers[${i}].min`, `must be above the previous tier's min (${tiers[i - 1].min})`)
    if (typeof t.name === 'string' && tiers.findIndex((o) => o?.name === t.name) < i) err(`model.tiers[${i}].name`, `duplicate tier "${t.name}"`)
  })
  const tierNames = Object.fromEntries(tiers.map((t) => [t?.name, 1]))
  if (Array.isArray(m.criteria)) m.criteria.forEach((cr: Any, i: number) => {
    known(cr?.all, `model.criteria[${i}].all`, signals, 'signal')
    if (typeof cr?.id === 'string' && m.criteria.findIndex((o: Any) => o?.id === cr.id) < i) err(`model.criteria[${i}].id`, `duplicate criterion "${cr.id}"`)
    if (typeof cr?.tier === 'string' && !own(tierNames, cr.tier)) err(`model.criteria[${i}].tier`, `unknown tier "${cr.tier}"`)
  })
  if (m.features !== undefined && signals[m.features]?.type !== 'distinct') err('model.features', 'must name a signal of type "distinct"')
  checkMoments(c.moments, tierNames, signals, err)
  // undefined (a missing or bad date) compares false either way.
  if (toTime(c.trial?.start)! > toTime(c.trial?.end)!) err('trial.end', 'is before trial.start')
  if (errors.length) return { ok: false, errors }

  const trial = (c.trial ?? {}) as { start?: string | number; end?: string | number }
  return {
    ok: true,
    config: {
      model: {
        version: m.version ?? '1', signals, dimensions, tiers, hysteresis: m.hysteresis ?? 3, criteria: m.criteria ?? [],
        features: m.features ?? Object.keys(signals).find((k) => signals[k].type === 'distinct') ?? null,
      },
      trial: { start: toTime(trial.start), end: toTime(trial.end) },
      sessionTimeout: c.sessionTimeout ?? 30,
      trackPages: c.trackPages ?? true,
      requireConsent: c.requireConsent ?? false,
      endpoint: c.endpoint ?? null,
      writeKey: c.writeKey ?? null,
      delivery: { format: 'momentkit', batchSize: 1000, interval: 2000, maxQueue: 5000, timeout: 15_000, ...c.delivery },
      debug: c.debug ?? false,
      moments: c.moments === 'default' ? defaultMoments : c.moments ?? [],
      momentsPerDay: c.momentsPerDay ?? 2,
      locale: c.locale ?? null,
      plan: c.plan ?? null,
      freePlans: c.freePlans ?? ['trial', 'free'],
      entitlements: c.entitlements ?? null,
      conversionEvent: c.conversionEvent ?? 'upgraded',
      theme: c.theme ?? {},
      namespace: c.namespace ?? 'momentkit',
    },
  }
}
