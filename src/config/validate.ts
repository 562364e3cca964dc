import { defaultTiers, presets } from './presets'
import type { Config, Dimension, ResolvedConfig, ResolvedModel, Signal } from './types'

export interface Problem {
  /** JSON path of the offending value: `model.signals.invites.threshold`. */
  path: string
  message: string
}

/** Thrown (internally) and reported when a config does not validate. */
export class ConfigError extends Error {
  problems: Problem[]
  constructor(problems: Problem[]) {
    super('invalid config:\n' + problems.map((p) => `  ${p.path || '(root)'}: ${p.message}`).join('\n'))
    this.name = 'MomentKitConfigError'
    this.problems = problems
  }
}

type Any = any // eslint-disable-line @typescript-eslint/no-explicit-any

const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isInt = (v: unknown): v is number => Number.isInteger(v)
const ID = /^[A-Za-z0-9_.-]{1,64}$/

const SIGNAL_KEYS: Record<string, string[]> = {
  count: ['event', 'where', 'window'],
  distinct: ['event', 'prop', 'where', 'window'],
  occurred: ['event', 'where', 'window'],
  first: ['event'],
  last: ['event'],
  sessions: ['window'],
  activeDays: ['window'],
  avgSessionLength: ['window'],
  streak: [],
  recency: [],
  velocity: ['of', 'days'],
}
const COMMON = ['type', 'label', 'reason', 'threshold', 'credit', 'weight']
const TOP = ['$schema', 'model', 'sessionTimeout', 'trackPages', 'trial', 'endpoint', 'debug', 'namespace', 'moments', 'theme']
const MODEL = ['version', 'preset', 'signals', 'dimensions', 'tiers', 'hysteresis', 'criteria', 'features']

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
  const err = (path: string, message: string) => errors.push({ path, message })
  const keys = (o: Record<string, Any>, allowed: string[], path: string) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) err(path ? `${path}.${k}` : k, `unknown key (expected one of: ${allowed.join(', ')})`)
  }
  const str = (v: unknown, path: string, max = 200) => {
    if (v !== undefined && (typeof v !== 'string' || !v || v.length > max)) err(path, `must be a non-empty string of at most ${max} characters`)
  }
  const num = (v: unknown, path: string, min: number, max: number, int = false) => {
    if (v === undefined) return
    if (!isNum(v) || v < min || v > max || (int && !isInt(v))) err(path, `must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`)
  }
  const time = (v: unknown, path: string): number | undefined => {
    if (v === undefined) return undefined
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN
    if (!isNum(t)) err(path, 'must be an ISO date string or epoch milliseconds')
    return t
  }

  if (!isObj(input)) return { ok: false, errors: [{ path: '', message: 'config must be a JSON object' }] }
  const c = input as Config & Record<string, Any>
  keys(c, TOP, '')
  num(c.sessionTimeout, 'sessionTimeout', 1, 1440)
  for (const k of ['trackPages', 'debug'] as const) if (c[k] !== undefined && typeof c[k] !== 'boolean') err(k, 'must be true or false')
  if (c.namespace !== undefined && (typeof c.namespace !== 'string' || !ID.test(c.namespace))) err('namespace', 'must be 1-64 letters, digits, "_", "-" or "."')
  if (c.endpoint !== undefined && (typeof c.endpoint !== 'string' || !/^(https?:\/\/[^\s]+|\/[^\s/][^\s]*|\/)$/i.test(c.endpoint))) err('endpoint', 'must be an http(s) URL or a path starting with "/"')
  if (c.moments !== undefined && !Array.isArray(c.moments)) err('moments', 'must be an array')
  if (c.theme !== undefined && (!isObj(c.theme) || Object.values(c.theme).some((v) => typeof v !== 'string'))) err('theme', 'must be an object of strings')
  const trial: ResolvedConfig['trial'] = {}
  if (c.trial !== undefined) {
    if (!isObj(c.trial)) err('trial', 'must be an object with start and/or end')
    else {
      keys(c.trial, ['start', 'end'], 'trial')
      trial.start = time(c.trial.start, 'trial.start')
      trial.end = time(c.trial.end, 'trial.end')
    }
  }

  const m: Record<string, Any> = c.model === undefined ? {} : c.model
  if (!isObj(m)) err('model', 'must be an object')
  const model = isObj(m) ? resolveModel(m, err, keys, str, num) : null
  if (errors.length || !model) return { ok: false, errors }
  return {
    ok: true,
    config: {
      model, trial,
      sessionTimeout: c.sessionTimeout ?? 30,
      trackPages: c.trackPages ?? true,
      endpoint: c.endpoint ?? null,
      debug: c.debug ?? false,
      namespace: c.namespace ?? 'momentkit',
    },
  }
}

function resolveModel(
  m: Record<string, Any>,
  err: (path: string, message: string) => void,
  keys: (o: Record<string, Any>, allowed: string[], path: string) => void,
  str: (v: unknown, path: string, max?: number) => void,
  num: (v: unknown, path: string, min: number, max: number, int?: boolean) => void,
): ResolvedModel | null {
  keys(m, MODEL, 'model')
  str(m.version, 'model.version', 64)
  num(m.hysteresis, 'model.hysteresis', 0, 50)
  if (m.preset !== undefined && !(m.preset in presets)) err('model.preset', `must be one of: ${Object.keys(presets).join(', ')}`)
  // An unknown preset is reported once; resolving against the default avoids a cascade of follow-on errors.
  const usePreset = m.preset in presets ? m.preset : m.preset !== undefined || !(m.signals || m.dimensions) ? 'five-dimension' : undefined
  const base = presets[usePreset as keyof typeof presets] ?? { signals: {}, dimensions: {} }

  const signals: Record<string, Signal> = { ...base.signals }
  if (m.signals !== undefined && !isObj(m.signals)) err('model.signals', 'must be an object of signal id -> signal')
  for (const [id, s] of Object.entries(isObj(m.signals) ? m.signals : {})) {
    const p = `model.signals.${id}`
    if (!ID.test(id)) err(p, 'signal id must be 1-64 letters, digits, "_", "-" or "."')
    if (!isObj(s)) { err(p, 'must be an object'); continue }
    if (!(s.type in SIGNAL_KEYS)) { err(`${p}.type`, `must be one of: ${Object.keys(SIGNAL_KEYS).join(', ')}`); continue }
    keys(s, COMMON.concat(SIGNAL_KEYS[s.type]), p)
    if (SIGNAL_KEYS[s.type].includes('event')) {
      if (s.event === undefined) err(`${p}.event`, 'is required')
      str(s.event, `${p}.event`)
    }
    if (s.type === 'distinct' && (typeof s.prop !== 'string' || !s.prop)) err(`${p}.prop`, 'must name the property whose distinct values count')
    if (s.type === 'occurred') { if (s.threshold !== undefined && s.threshold !== 1) err(`${p}.threshold`, 'must be 1 (or left out) for "occurred"') }
    else if (!isNum(s.threshold)) err(`${p}.threshold`, 'must be a finite number')
    else if (s.type !== 'velocity' && s.threshold < 0) err(`${p}.threshold`, 'must not be negative')
    if (s.credit !== undefined && s.credit !== 'binary' && s.credit !== 'partial') err(`${p}.credit`, 'must be "binary" or "partial"')
    num(s.weight, `${p}.weight`, 0, 1e6)
    str(s.label, `${p}.label`)
    str(s.reason, `${p}.reason`)
    where(s.where, `${p}.where`, err)
    if (s.window !== undefined) window(s.window, `${p}.window`, err)
    if (s.type === 'velocity') {
      num(s.days, `${p}.days`, 1, 90, true)
      if (isObj(s.of)) { keys(s.of, ['event', 'where'], `${p}.of`); str(s.of.event, `${p}.of.event`); if (!s.of.event) err(`${p}.of.event`, 'is required'); where(s.of.where, `${p}.of.where`, err) }
      else if (s.of !== 'sessions' && s.of !== 'activeDays') err(`${p}.of`, 'must be "sessions", "activeDays" or { "event": name }')
    }
    signals[id] = s as Signal
  }

  const dimensions = { ...base.dimensions }
  if (m.dimensions !== undefined && !isObj(m.dimensions)) err('model.dimensions', 'must be an object of dimension id -> dimension')
  for (const [id, d] of Object.entries(isObj(m.dimensions) ? m.dimensions : {})) {
    const p = `model.dimensions.${id}`
    if (!isObj(d)) { err(p, 'must be an object'); continue }
    keys(d, ['label', 'weight', 'signals'], p)
    num(d.weight, `${p}.weight`, 0, 1e6)
    if (d.weight === undefined) err(`${p}.weight`, 'is required')
    str(d.label, `${p}.label`)
    if (!Array.isArray(d.signals) || !d.signals.length) err(`${p}.signals`, 'must be a non-empty array of signal ids')
    dimensions[id] = d as Dimension
  }
  for (const [id, d] of Object.entries(dimensions)) {
    if (Array.isArray(d.signals)) d.signals.forEach((sid, i) => { if (!(sid in signals)) err(`model.dimensions.${id}.signals[${i}]`, `unknown signal "${sid}"`) })
  }
  if (!Object.values(dimensions).some((d) => isNum(d.weight) && d.weight > 0)) err('model.dimensions', 'need at least one dimension with a weight above 0')

  const tiers = m.tiers ?? defaultTiers
  if (!Array.isArray(tiers) || !tiers.length) err('model.tiers', 'must be a non-empty array of { name, min }')
  else tiers.forEach((t: Any, i: number) => {
    const p = `model.tiers[${i}]`
    if (!isObj(t)) return err(p, 'must be an object with name and min')
    keys(t, ['name', 'label', 'min'], p)
    if (typeof t.name !== 'string' || !ID.test(t.name)) err(`${p}.name`, 'must be 1-64 letters, digits, "_", "-" or "."')
    else if (tiers.findIndex((o: Any) => o?.name === t.name) !== i) err(`${p}.name`, `duplicate tier "${t.name}"`)
    str(t.label, `${p}.label`)
    num(t.min, `${p}.min`, 0, 100)
    if (t.min === undefined) err(`${p}.min`, 'is required')
    if (i === 0 && t.min !== 0) err(`${p}.min`, 'the first tier must start at 0')
    if (i > 0 && isNum(t.min) && isNum(tiers[i - 1]?.min) && t.min <= tiers[i - 1].min) err(`${p}.min`, `must be above the previous tier's min (${tiers[i - 1].min})`)
  })
  const tierNames = Array.isArray(tiers) ? tiers.map((t: Any) => t?.name) : []

  const criteria = m.criteria ?? []
  if (!Array.isArray(criteria)) err('model.criteria', 'must be an array')
  else criteria.forEach((cr: Any, i: number) => {
    const p = `model.criteria[${i}]`
    if (!isObj(cr)) return err(p, 'must be an object with id and all')
    keys(cr, ['id', 'label', 'all', 'tier'], p)
    if (typeof cr.id !== 'string' || !ID.test(cr.id)) err(`${p}.id`, 'must be 1-64 letters, digits, "_", "-" or "."')
    str(cr.label, `${p}.label`)
    if (!Array.isArray(cr.all) || !cr.all.length) err(`${p}.all`, 'must be a non-empty array of signal ids')
    else cr.all.forEach((sid: Any, j: number) => { if (!(sid in signals)) err(`${p}.all[${j}]`, `unknown signal "${sid}"`) })
    if (cr.tier !== undefined && !tierNames.includes(cr.tier)) err(`${p}.tier`, `unknown tier "${cr.tier}"`)
  })

  let features: string | null = m.features ?? Object.keys(signals).find((id) => signals[id].type === 'distinct') ?? null
  if (m.features !== undefined && signals[m.features]?.type !== 'distinct') { err('model.features', 'must name a signal of type "distinct"'); features = null }

  return { version: m.version ?? '1', signals, dimensions, tiers, hysteresis: m.hysteresis ?? 3, criteria, features }
}

function where(w: unknown, path: string, err: (p: string, m: string) => void): void {
  if (w === undefined) return
  if (!isObj(w)) return err(path, 'must be an object of prop -> string, number or boolean')
  for (const [k, v] of Object.entries(w)) if (!['string', 'boolean'].includes(typeof v) && !isNum(v)) err(`${path}.${k}`, 'must be a string, a finite number or a boolean')
}

function window(w: unknown, path: string, err: (p: string, m: string) => void): void {
  if (isObj(w) && Object.keys(w).length === 1) {
    if ('last' in w) { if (!isInt(w.last) || w.last < 1 || w.last > 365) err(`${path}.last`, 'must be an integer from 1 to 365'); return }
    if ('trial' in w) {
      const t = w.trial
      if (!Array.isArray(t) || t.length !== 2 || !isInt(t[0]) || !isInt(t[1]) || t[0] < 0 || t[1] <= t[0] || t[1] > 365) err(`${path}.trial`, 'must be [fromDay, toDay] with 0 <= fromDay < toDay <= 365')
      return
    }
  }
  err(path, 'must be { "last": days } or { "trial": [fromDay, toDay] }')
}
