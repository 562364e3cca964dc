import { fill } from '../score/reasons'
import type { MomentCopy } from './types'

/** Copy for a locale: exact ("pt-BR"), then language ("pt"), then "en", then the first given. */
export function pickCopy(copy: Record<string, MomentCopy>, locale: string): MomentCopy {
  const lang = locale.split('-')[0]
  return copy[locale] ?? copy[lang] ?? copy.en ?? Object.values(copy)[0]
}

/** Fills every field's {{placeholders}} from the context. Plain text in, plain text out. */
export function renderCopy(copy: MomentCopy, vars: Record<string, string | number>): MomentCopy {
  const out: MomentCopy = { title: fill(copy.title, vars) }
  for (const k of ['body', 'cta', 'dismiss'] as const) if (copy[k]) out[k] = fill(copy[k]!, vars)
  return out
}
