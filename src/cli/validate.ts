import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { ResolvedConfig } from '../config/types'
import { type Problem, resolveConfig } from '../config/validate'
import { COLOUR_NAMES } from '../render/colour-names'
import { useColourNames } from '../render/theme'
import { unsafeUrl } from '../trigger/cta'
import { CliError, type Io } from './io'
import { duplicateKeys, lint } from './lint'

/** Line and column of a JSON.parse error, from V8's "at position N" or "(line L column C)". */
export function jsonErrorAt(text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (lc) return `line ${lc[1]}, column ${lc[2]}`
  const pos = /position (\d+)/.exec(message)
  if (!pos) return 'end of input'
  const before = text.slice(0, Number(pos[1]))
  const line = before.split('\n').length
  return `line ${line}, column ${Number(pos[1]) - before.lastIndexOf('\n')}`
}

/**
 * Every string under a `url` or `href` key inside `moments`, checked with
 * the SDK's own CTA rule (no javascript:, data:, vbscript: however they are
 * cased or split by whitespace and control characters; no protocol-relative
 * links). `resolveConfig` already checks `cta.url`; this also catches URLs
 * put where the schema does not expect them.
 */
export function momentUrls(moments: unknown): Problem[] {
  const out: Problem[] = []
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`))
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}.${k}`
        if ((k === 'url' || k === 'href') && typeof x === 'string') {
          const bad = unsafeUrl(x)
          if (bad) out.push({ path: p, message: bad })
        } else walk(x, p)
      }
  }
  walk(moments, 'moments')
  return out
}

/** Valid but probably not meant: signals that earn nothing, dimensions that never count, odd weight sums. */
export function warnings(raw: Record<string, unknown>, c: ResolvedConfig): Problem[] {
  const out: Problem[] = []
  const m = c.model
  const used = new Set(Object.values(m.dimensions).flatMap((d) => d.signals))
  const inCriteria = new Set(m.criteria.flatMap((cr) => cr.all))
  for (const id of Object.keys(m.signals)) if (!used.has(id) && !inCriteria.has(id)) out.push({ path: `model.signals.${id}`, message: 'not used by any dimension or criterion: it never counts' })
  for (const [id, d] of Object.entries(m.dimensions)) if (d.weight === 0) out.push({ path: `model.dimensions.${id}.weight`, message: 'is 0: this dimension never counts' })
  const given = (raw.model as { dimensions?: unknown } | undefined)?.dimensions
  const sum = Object.values(m.dimensions).reduce((n, d) => n + d.weight, 0)
  if (given && Math.abs(sum - 100) > 0.5 && Math.abs(sum - 1) > 0.005)
    out.push({ path: 'model.dimensions', message: `weights sum to ${+sum.toFixed(3)}; they are normalised, so each counts as its share of ${+sum.toFixed(3)} (100 reads more clearly)` })
  // The shipped moments ("default") are not the team's to fix.
  return [...out, ...lint(c, Array.isArray(raw.moments) ? c.moments : [])]
}

export interface ValidateResult {
  valid: boolean
  errors: Problem[]
  warnings: Problem[]
}

/** The text of a JSON file: a byte order mark (Windows editors write one) is dropped, as fetch()'s json() drops it. */
export const jsonText = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)

export function validateText(text: string): ValidateResult {
  let raw: unknown
  text = jsonText(text)
  try {
    raw = JSON.parse(text)
  } catch (e) {
    return { valid: false, errors: [{ path: '', message: `not valid JSON at ${jsonErrorAt(text, (e as Error).message)}: ${(e as Error).message}` }], warnings: [] }
  }
  useColourNames(COLOUR_NAMES)
  const r = resolveConfig(raw)
  const errors = r.ok ? [] : [...r.errors]
  const moments = raw && typeof raw === 'object' ? (raw as { moments?: unknown }).moments : undefined
  for (const p of momentUrls(moments)) if (!errors.some((e) => e.path === p.path && e.message === p.message)) errors.push(p)
  return { valid: !errors.length, errors, warnings: [...duplicateKeys(text), ...(r.ok && !errors.length ? warnings(raw as Record<string, unknown>, r.config) : [])] }
}

/** `momentkit validate <config.json>`: exit 0 when valid, 1 when not (or, with `strict`, when there are warnings). */
export function validateCommand(path: string, io: Io, json: boolean, strict = false): number {
  let text: string
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch {
    throw new CliError(`cannot read ${path}: no such file`, 2)
  }
  const r = validateText(text)
  const name = path === '-' ? 'stdin' : basename(path)
  if (json) io.out(JSON.stringify(r, null, 2) + '\n')
  else {
    const line = (p: Problem) => `  ${p.path || '(root)'}: ${p.message}\n`
    if (r.valid) io.out(`✓ ${name} is a valid MomentKit config\n`)
    else io.out(`✗ ${name}: ${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}\n` + r.errors.map(line).join(''))
    if (r.warnings.length) io.out(`${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}:\n` + r.warnings.map(line).join(''))
  }
  return r.valid && !(strict && r.warnings.length) ? 0 : 1
}
