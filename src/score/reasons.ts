import type { Signal, Window } from '../config/types'
import type { Value } from './signals'
import { field } from '../field'

/** "project_created" -> "project created" */
export const humanise = (name: string): string => name.replace(/[_\-.]+/g, ' ').trim()

function windowPhrase(w: Window | undefined): string {
  if (!w) return ''
  const last = field<number>(w, 'last')
  if (last !== undefined) return last === 1 ? ' today' : ` in the last ${last} days`
  const [from, to] = field<[number, number]>(w, 'trial') ?? [0, 0]
  return from === 0 ? ` in the first ${to} days` : ` in trial days ${from + 1}-${to}`
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`

/**
 * Fills `{{name}}` placeholders; unknown names are left as they are. Text only, never HTML.
 * In reasons, `{{s}}` is "s" unless the value is 1: "invited {{value}} teammate{{s}}".
 */
export function fill(template: string, vars: Record<string, string | number>): string {
  // Own keys only: "{{constructor}}" in copy must not print Object's source.
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (m, k: string) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m))
}

function windowDays(s: Signal): number | string {
  const w = field<Window>(s, 'window')
  if (!w) return ''
  const trial = field<[number, number]>(w, 'trial') ?? [0, 0]
  return field<number>(w, 'last') ?? trial[1] - trial[0]
}

/**
 * Plain-language sentence for a signal that earned credit, from the
 * signal's own `reason` template or a default per type.
 */
export function reasonFor(s: Signal, value: Value): string {
  const v = value ?? 0
  const event = field<string>(s, 'event')
  const label = s.label ?? (event !== undefined ? humanise(event) : '')
  if (s.reason) return fill(s.reason, { value: v, threshold: s.threshold ?? 1, days: windowDays(s), label, s: v === 1 ? '' : 's' })
  const w = windowPhrase(field<Window>(s, 'window'))
  switch (s.type) {
    case 'count':
      return `${label} ×${v}${w}`
    case 'distinct':
      return `${v} different ${s.label ?? humanise(s.prop) + (v === 1 ? '' : 's')}${w}`
    case 'occurred':
      return `${label}${w}`
    case 'first':
      return v === 0 ? `${label} on day 1` : `${label} within ${plural(v + 1, 'day')}`
    case 'last':
      return v === 0 ? `${label} today` : `${label} ${plural(v, 'day')} ago`
    case 'sessions':
      return `${plural(v, 'session')}${w}`
    case 'activeDays':
      return w === ' today' ? 'active today' : w ? `active ${v} of${w.replace(/^ in/, '')}` : `active on ${plural(v, 'day')}`
    case 'avgSessionLength':
      return `average session ${v} min${w}`
    case 'streak':
      return `${v}-day streak`
    case 'recency':
      return v === 0 ? 'active today' : `last active ${plural(v, 'day')} ago`
    case 'velocity':
      return v >= 0 ? `usage up ${v}% on the previous ${s.days ?? 7} days` : `usage down ${-v}% on the previous ${s.days ?? 7} days`
  }
}
