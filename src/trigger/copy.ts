import { fill } from '../score/reasons'
import type { MomentCopy } from './types'

/** Copy for a locale: exact ("pt-BR"), then language ("pt"), then "en", then the first given. */
export function pickCopy(copy: Record<string, MomentCopy>, locale: string): MomentCopy {
  const lang = locale.split('-')[0]
  return copy[locale] ?? copy[lang] ?? copy.en ?? Object.values(copy)[0]
}

/** Fills every field's {{placeholders}} from the context (the countdown's {{days}}... stay for the renderer). Plain text in, plain text out. */
export function renderCopy(copy: Omit<MomentCopy, 'engaged'>, vars: Record<string, string | number>): MomentCopy {
  const out = { ...copy } as Record<string, string>
  // Own keys only: Object.prototype may carry other scripts' properties.
  for (const k of Object.keys(out)) out[k] = fill(out[k], vars)
  return out as unknown as MomentCopy
}
