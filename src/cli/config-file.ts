import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { ResolvedConfig } from '../config/types'
import { resolveConfig } from '../config/validate'
import { CliError } from './io'
import { jsonText } from './validate'

/** Reads a JSON file; unreadable or invalid JSON is a CliError naming the file. */
export function readJson(path: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new CliError(`cannot read ${path}: no such file`, 2)
  }
  try {
    return JSON.parse(jsonText(text))
  } catch (e) {
    throw new CliError(`${basename(path)}: not valid JSON (${(e as Error).message})`)
  }
}

/** Reads and resolves a config (an empty one, the built-in model, without a path); invalid configs list every problem. */
export function startConfig(path?: string): { raw: Record<string, unknown>; config: ResolvedConfig } {
  const raw = (path ? readJson(path) : {}) as Record<string, unknown>
  const r = resolveConfig(raw)
  if (!r.ok) throw new CliError(`${basename(path!)}: the config is not valid:\n` + r.errors.map((e) => `  ${e.path || '(root)'}: ${e.message}`).join('\n'))
  return { raw, config: r.config }
}
