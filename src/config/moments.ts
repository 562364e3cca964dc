import { toTime } from '../date'
import { themeProblem } from '../render/theme'
import { unsafeUrl } from '../trigger/cta'
import { arr, at, bool, id, isNum, isObj, map, num, obj, oneOf, own, str, time, where, type Any, type Rule } from './rules'

// JSON Schema cannot compare two values, so only this check sees a reversed range (which nothing is ever in).
const ranged = (lo: number, hi: number): Rule => (v, p, err) => {
  obj({ min: num(lo, hi), max: num(lo, hi) })(v, p, err)
  if (v?.min > v?.max) err(p, 'min is above max')
}
const range = ranged(-1000, 1000)
// A score is 0-100: a bound outside it is a range no user is ever in.
const scoreRange = ranged(0, 100)
// What copyVars (src/trigger/copy.ts) fills, and the countdown labels' own (leftText in src/render/parts.tsx;
// one list for every field keeps this small: {{days}} misplaced in a title is not caught).
const H = /\{\{(?!\s*(score|tier|plan|daysLeft|topFeature|topFeatureCount|invites|projects|s\.(?:score|daysLeft|topFeatureCount|invites|projects|signal\.[\w.-]{1,64})|signal\.[\w.-]{1,64}|days|hours|minutes|seconds)\s*\}\})/
const label = str(60, H)
const text = { title: str(120, H), body: str(600, H), cta: label }
const fields = { ...text, dismiss: label, close: label, ended: label, daysLeft: label, hoursLeft: label, minutesLeft: label, engaged: obj(text), fallback: obj(text) }
const copy = obj(fields, ['title'])
const url: Rule = (v, p, err) => {
  const bad = unsafeUrl(v)
  if (bad) err(p, bad)
}

/** One moment of the `moments` array (types in src/trigger/types.ts). */
export const moment = obj(
  {
    id,
    kind: oneOf('upgrade', 'gate', 'trial', 'widget', 'nudge'),
    on: obj({ tierEntered: arr(id), event: str(), where, gate: arr(str(100)) }),
    target: obj({
      tiers: arr(id),
      score: scoreRange,
      plans: arr(str(100)),
      paying: bool,
      signals: map(ranged(-1e9, 1e9)),
      traits: map(arr((v, p, err) => typeof v === 'boolean' || isNum(v) || str()(v, p, err))),
      trial: (v, p, err) => (isObj(v) ? range(v, p, err) : oneOf('active', 'ended')(v, p, err)),
      routes: arr(str(300)),
      from: time,
      until: time,
    }),
    priority: num(-1000, 1000),
    cap: obj({ perDay: num(1, 1000, 1), total: num(1, 1000, 1), cooldownHours: num(0, 8760) }),
    snoozeHours: num(0, 8760),
    holdout: num(0, 100),
    copy: map(copy),
    // A variation's copy lies over the moment's own: any of its fields, none required.
    variations: arr(obj({ id, percent: num(0, 100), copy: map(obj(fields, [], 1)) }, ['id', 'percent', 'copy'])),
    goal: str(),
    cta: obj({ url, action: id }, [], 1),
    variant: oneOf('modal', 'slidein'),
    position: oneOf('bottom-right', 'bottom-left', 'top-right', 'top-left'),
  },
  ['id', 'kind', 'copy'],
)

/** Top-level keys that belong to moments. */
export const momentTop: Record<string, Rule> = {
  moments: (v, p, err) => (v === 'default' ? undefined : arr(moment, 0)(v, p, err)),
  momentsPerDay: num(0, 100, 1),
  locale: str(35),
  plan: str(100),
  freePlans: arr(str(100), 0),
  entitlements: map(arr(str(100), 0), 1),
  conversionEvent: str(),
  theme: map((v, p, err) => {
    const bad = themeProblem(p.slice(p.indexOf('.') + 1), v)
    if (bad) err(p, bad)
  }, 1),
}

/** Cross-references JSON Schema cannot express: unique ids, known tiers, gates naming features. */
export function checkMoments(list: unknown, tiers: Record<string, unknown>, signals: Record<string, unknown>, err: (path: string, message: string) => void): void {
  // The shipped set (src/trigger/defaults.ts) targets these tiers: with others, its moments would never show.
  // Some of the names are enough (two tiers, low and pql, are a fine model): the moments of the others stay silent.
  if (list === 'default' && !['low', 'pql', 'hot'].some((t) => own(tiers, t))) err('moments', '"default" needs a tier named low, pql or hot')
  if (!Array.isArray(list)) return
  const seen: Record<string, 1> = {}
  list.forEach((m: Any, i: number) => {
    if (!isObj(m)) return
    const p = `moments[${i}]`
    if (typeof m.id === 'string') {
      if (own(seen, m.id)) err(at(p, 'id'), `duplicate moment id "${m.id}"`)
      seen[m.id] = 1
    }
    const tierRefs: Array<[unknown, string]> = [[m.on?.tierEntered, at(p, 'on.tierEntered')], [m.target?.tiers, at(p, 'target.tiers')]]
    for (const [refs, path] of tierRefs) if (Array.isArray(refs)) refs.forEach((t, j) => typeof t === 'string' && !own(tiers, t) && err(`${path}[${j}]`, `unknown tier "${t}"`))
    if (isObj(m.target?.signals)) for (const id of Object.keys(m.target.signals)) own(signals, id) || err(at(p, `target.signals.${id}`), `unknown signal "${id}"`)
    // undefined (a missing or bad date) compares false either way.
    if (toTime(m.target?.from)! >= toTime(m.target?.until)!) err(at(p, 'target.until'), 'is not after target.from')
    if (m.on?.where && !m.on.event) err(at(p, 'on.where'), 'filters on.event, which is not given')
    if (m.kind === 'gate' && !m.on?.gate?.length) err(at(p, 'on.gate'), 'a gate moment must list the features it gates')
    if (m.kind !== 'gate' && m.on?.gate) err(at(p, 'on.gate'), 'only gate moments answer gate() calls')
    if (isObj(m.copy) && !Object.keys(m.copy).length) err(at(p, 'copy'), 'must give copy for at least one locale')
    if (Array.isArray(m.variations)) checkVariations(m, p, err)
  })
}

/** A copy experiment's rules: ids unique and not "control", shares within 100%, the same locales as the moment's copy. */
function checkVariations(m: Any, p: string, err: (path: string, message: string) => void): void {
  // "control" is decide.ts's CONTROL (not imported: the scorer's bundle would take the engine along).
  const ids: Record<string, 1> = { control: 1 }
  let sum = 0
  m.variations.forEach((v: Any, j: number) => {
    const vp = at(p, `variations[${j}]`)
    if (own(ids, v?.id)) err(at(vp, 'id'), `"${v.id}" is taken (control: the moment's own copy)`)
    ids[v?.id] = 1
    sum += +v?.percent || 0
    // A locale missing from a variation would show its users the moment's own copy, counted as the variation's.
    if (isObj(v?.copy) && isObj(m.copy)) for (const l of Object.keys({ ...m.copy, ...v.copy })) own(v.copy, l) && own(m.copy, l) || err(at(vp, 'copy.' + l), own(v.copy, l) ? 'is not a locale of the moment\'s copy' : 'is missing (a locale of the moment\'s copy)')
  })
  if (sum > 100) err(at(p, 'variations'), `percents add up to ${+sum.toFixed(2)}, over 100`)
}
