import { CliError } from './io'

export interface Parsed {
  positional: string[]
  flags: Record<string, string | true>
}

/**
 * `--name value`, `--name=value` and boolean `--name`. `values` lists the
 * flags that take a value; any other flag is boolean and must be in
 * `bools`. Unknown flags are usage errors (exit 2), so a typo never runs
 * with a default silently.
 */
export function parseArgs(argv: string[], values: string[], bools: string[]): Parsed {
  const out: Parsed = { positional: [], flags: {} }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1))
      break
    }
    if (!a.startsWith('--') || a === '-') {
      out.positional.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq === -1 ? undefined : eq)
    if (values.includes(name)) {
      const v = eq === -1 ? argv[++i] : a.slice(eq + 1)
      // An empty value (`--holdout=`) is no value: read as a number it would silently be 0.
      if (v === undefined || !v.trim() || (eq === -1 && v.startsWith('--'))) throw new CliError(`--${name} needs a value`, 2)
      out.flags[name] = v
    } else if (bools.includes(name) && eq === -1) out.flags[name] = true
    else throw new CliError(`unknown option --${name} (see --help)`, 2)
  }
  return out
}

/** A numeric flag within [min, max]; `%` suffix divides by 100. */
export function numFlag(p: Parsed, name: string, def: number, min: number, max: number, int = false): number {
  const raw = p.flags[name]
  if (raw === undefined) return def
  const s = String(raw).trim()
  const n = s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s)
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) throw new CliError(`--${name} must be ${int ? 'an integer' : 'a number'} from ${min} to ${max} (got "${s}")`, 2)
  return n
}

export const strFlag = (p: Parsed, name: string): string | undefined => (typeof p.flags[name] === 'string' ? (p.flags[name] as string) : undefined)
