/**
 * Theme values from config become CSS custom properties in a constructable
 * stylesheet (never inline style attributes). Each value is checked against
 * a strict pattern first, so config cannot inject CSS ("red; } * { ...").
 */
const COLOR = /^(#(([0-9a-f]{2}){3,4}|[0-9a-f]{3,4})|(rgb|hsl)a?\(([\d.%\s,/]|deg)+\)|[a-z]{3,20})$/i
const LENGTH = /^(0|(\d{1,3}(\.\d{1,2})?|\.\d{1,2})(px|r?em|%))$/i
// Quotes must pair: the sheet is one line, an open string would swallow the rest.
const FONT = /^(?=.{1,120}$)([\w\s,-]|"[\w\s,-]*"|'[\w\s,-]*')+$/

export const THEME_KEYS: Record<string, RegExp> = {
  accent: COLOR,
  accentText: COLOR,
  background: COLOR,
  text: COLOR,
  muted: COLOR,
  border: COLOR,
  radius: LENGTH,
  font: FONT,
}

let names: Set<string> | undefined
/** Where there is no CSS (Node: the CLI, the collector), the colour names to accept; without them any word passes there. */
export const useColourNames = (list: readonly string[]): void => void (names = new Set(list))
// A bare word must name a colour: "bluee" would make the accent transparent (an invisible button).
// CSS-wide keywords ("inherit") pass for colour, but also for width, which no colour does.
const colourWord = (w: string, css = globalThis.CSS) => (css ? css.supports('color', w) && !css.supports('width', w) : !names || names.has(w.toLowerCase()))

/** Why a theme value is refused, or null. Used by config validation. */
export function themeProblem(key: string, value: unknown): string | null {
  if (key === 'scheme') return value === 'light' || value === 'dark' || value === 'auto' ? null : 'must be "light", "dark" or "auto"'
  if (key.startsWith('dark.')) key = key.slice(5)
  const re = THEME_KEYS[key]
  if (!re) return `unknown theme key (expected one of: scheme, ${Object.keys(THEME_KEYS).join(', ')}, or dark.<key>)`
  const v = typeof value === 'string' ? value.trim() : ''
  if (re.test(v) && (re !== COLOR || /[#(]/.test(v) || colourWord(v))) return null
  return re === LENGTH ? 'must be 0 or a length with a unit (px, rem, em or %), such as "12px"' : `is not a safe ${re === COLOR ? 'colour' : 'font list'}`
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())

/** CSS text for the theme: light values, dark values under prefers-color-scheme unless the scheme is forced. */
export function themeCss(theme: Record<string, string> = {}): string {
  const light: string[] = []
  const dark: string[] = []
  for (const [k, v] of Object.entries(theme)) {
    if (k === 'scheme' || themeProblem(k, v)) continue
    ;(k.startsWith('dark.') ? dark : light).push(`--mk-${kebab(k.replace(/^dark\./, ''))}:${v.trim()}`)
  }
  const scheme = theme.scheme ?? 'auto'
  const lightRule = light.length ? `:host{${light.join(';')}}` : ''
  const darkVars = `--mk-background:#1e1f24;--mk-text:#f1f2f5;--mk-muted:#a9adb8;--mk-border:#3a3d46;${dark.join(';')}`
  if (scheme === 'dark') return `${lightRule}:host{${darkVars}}`
  if (scheme === 'light') return lightRule
  return `${lightRule}@media (prefers-color-scheme:dark){:host{${darkVars}}}`
}
