import type { Problem } from '../config/validate'
import type { ResolvedConfig } from '../config/types'
import { toTime } from '../date'
import type { Moment } from '../trigger/types'

/**
 * Warnings for configs that validate but probably do not do what was meant:
 * cross-references the SDK's validator leaves out to keep the script tag
 * small, and settings that are legal but defeat themselves. The SDK accepts
 * these configs; `momentkit validate` prints them (and fails with --strict).
 */
export function lint(c: ResolvedConfig, moments: Moment[], now = Date.now()): Problem[] {
  const out: Problem[] = []
  const warn = (path: string, message: string) => void out.push({ path, message })

  for (const [id, s] of Object.entries(c.model.signals)) {
    const p = `model.signals.${id}.threshold`
    const w = 'window' in s ? s.window : undefined
    const days = !w ? 400 : 'last' in w ? w.last : w.trial[1] - w.trial[0]
    if (s.type === 'activeDays' && s.threshold > days) warn(p, `is above the ${days} days of its window: never met`)
    if (s.threshold === 0 && !['first', 'last', 'recency', 'velocity', 'occurred'].includes(s.type)) warn(p, 'is 0: met by every user, even one who did nothing')
  }

  const tiers = new Set(c.model.tiers.map((t) => t.name))
  moments.forEach((m, i) => {
    const p = `moments[${i}]`
    const on = m.on?.tierEntered
    const to = m.target?.tiers
    if (on && to && on.every((t) => tiers.has(t)) && !on.some((t) => to.includes(t))) warn(`${p}.target.tiers`, 'has none of on.tierEntered: the moment never shows')
    if (!m.cta) warn(`${p}.cta`, 'is not given: the moment\'s button only closes it (give a url or an action)')
    if (m.holdout === 100) warn(`${p}.holdout`, 'is 100: every user is held out, nobody sees it')
    if (m.target?.until !== undefined && toTime(m.target.until)! <= now) warn(`${p}.target.until`, 'is past: the moment never shows')
    if (m.target?.paying && m.target.plans?.every((x) => c.freePlans.includes(x))) warn(`${p}.target.paying`, 'is true, but every plan in target.plans is one of freePlans: only users whose paying trait is true can see it')
    if (m.goal !== undefined && m.goal === m.on?.event) warn(`${p}.goal`, 'is the event that triggers the moment: the next time it happens counts as a conversion')
    if (m.snoozeHours === 0) warn(`${p}.snoozeHours`, 'is 0: a dismissal does not hold it back (leave it out to remember dismissals for good)')

    const locales = Object.keys(m.copy)
    const fields = new Set(locales.flatMap((l) => Object.keys(m.copy[l])))
    /** Placeholders of one locale's copy (`at` its path) that show as typed or make the moment wait; `fallback` the one in force. */
    const placeholders = (copy: Record<string, unknown>, at: string, fallback: unknown) => {
      const texts: Array<[string, unknown]> = Object.entries(copy).flatMap(([k, v]) => (v && typeof v === 'object' ? Object.entries(v).map(([e, t]): [string, unknown] => [`${k}.${e}`, t]) : [[k, v]]))
      for (const [k, t] of texts) {
        if (typeof t !== 'string') continue
        for (const [, name] of t.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) {
          const q = `${at}.${k}`
          if (name.startsWith('signal.') && !Object.prototype.hasOwnProperty.call(c.model.signals, name.slice(7))) warn(q, `{{${name}}} names no signal of the model: it shows as typed`)
          if (['days', 'hours', 'minutes', 'seconds'].includes(name) && !k.endsWith('Left')) warn(q, `{{${name}}} is filled only in the countdown labels (daysLeft, hoursLeft, minutesLeft): here it shows as typed`)
          const field = k.replace(/^engaged\./, '')
          const alt = (fallback as Record<string, string> | undefined)?.[field]
          if (name.startsWith('topFeature') && !k.startsWith('fallback.') && !(alt && !/\{\{\s*topFeature/.test(alt))) {
            warn(q, c.model.features ? `{{${name}}} is unknown until a user's first core feature use: without fallback.${field} the moment waits for them` : `{{${name}}} is never known (the model has no "distinct" signal of core features): without fallback.${field} the moment never shows`)
          }
        }
      }
    }
    for (const l of locales) {
      const copy = m.copy[l] as unknown as Record<string, unknown>
      const missing = [...fields].filter((f) => copy[f] === undefined)
      if (missing.length) warn(`${p}.copy.${l}`, `has no ${missing.join(', ')} (another locale has): those show in English or not at all`)
      placeholders(copy, `${p}.copy.${l}`, copy.fallback)
      // A variation's fields lie over these: its own fallback, else the moment's, is the one in force.
      m.variations?.forEach((v, j) => {
        const over = v.copy[l] as Record<string, unknown> | undefined
        if (over) placeholders(over, `${p}.variations[${j}].copy.${l}`, over.fallback ?? copy.fallback)
      })
    }
    if (m.variations && m.variations.every((v) => !v.percent)) warn(`${p}.variations`, 'all have 0 percent: every user sees the moment\'s own copy')
    if (c.locale) {
      const lang = c.locale.toLowerCase()
      if (!locales.some((l) => l.toLowerCase() === lang || l.toLowerCase() === lang.split('-')[0])) warn(`${p}.copy`, `has no copy for locale "${c.locale}": it shows ${locales.some((l) => l.toLowerCase() === 'en') ? 'the English' : `the "${locales[0]}"`} copy`)
    }
  })
  return out
}

/**
 * Keys given twice in one object of the JSON text: JSON.parse keeps the last
 * silently (two "signals" blocks: the first is lost), so only the text shows it.
 * Paths as the validator writes them. The text must be valid JSON.
 */
export function duplicateKeys(text: string): Problem[] {
  const out: Problem[] = []
  // One frame per open object or array: its path, its keys so far (objects) or next index (arrays).
  const stack: Array<{ path: string; keys?: Set<string>; i: number }> = []
  let key: string | null = null
  const child = () => {
    const top = stack[stack.length - 1]
    if (!top) return ''
    if (!top.keys) return `${top.path}[${top.i++}]`
    return top.path ? `${top.path}.${key}` : key!
  }
  const re = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g
  let m: RegExpExecArray | null
  let expectKey = false
  while ((m = re.exec(text))) {
    const t = m[0]
    if (t === '{' || t === '[') {
      stack.push({ path: child(), keys: t === '{' ? new Set() : undefined, i: 0 })
      expectKey = t === '{'
    } else if (t === '}' || t === ']') stack.pop()
    else if (t === ',') expectKey = !!stack[stack.length - 1]?.keys
    else if (t === ':') expectKey = false
    else if (expectKey && t[0] === '"') {
      key = JSON.parse(t) as string
      const top = stack[stack.length - 1]
      if (top.keys!.has(key)) out.push({ path: top.path ? `${top.path}.${key}` : key, message: 'is given twice in this object: JSON keeps only the last' })
      top.keys!.add(key)
    } else if (stack[stack.length - 1] && !stack[stack.length - 1].keys) stack[stack.length - 1].i++
  }
  return out
}
