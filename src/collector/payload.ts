/**
 * From request body to a trusted Batch: JSON parsing with the place of the
 * error, the JSON Schema (src/sync/payload.schema.json, through ajv), and
 * the rule the schema cannot say: one identity per batch.
 */
import { readFileSync } from 'node:fs'
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020'
import type { Batch, Message } from '../sync/types'
import { jsonErrorAt } from './jsonerror'

export interface Problem {
  /** JSON path of the offending value: `messages[2].score`. */
  path: string
  message: string
}

export type Parsed =
  | { ok: true; batch: Batch }
  | { ok: false; error: 'invalid_json' | 'invalid_payload'; message: string; problems?: Problem[]; at?: { line: number; column: number; position: number } }

export const schema = JSON.parse(readFileSync(new URL('../sync/payload.schema.json', import.meta.url), 'utf8'))
const ISO = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i
const ajv = new Ajv2020({ strict: true, allErrors: true })
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => ISO.test(s) && Number.isFinite(Date.parse(s)) })
const check = ajv.compile<Batch>(schema)
const MAX_PROBLEMS = 50
/** The schema's date-times: its format, and a pattern (year 1000 on) for validators other than this one. */
const DATE_TIME = 'must be an ISO 8601 date-time of year 1000 to 9999, such as "2026-03-01T12:00:00.000Z"'

/** `/messages/0/props/a~1b` -> `messages[0].props["a/b"]` */
export function jsonPath(pointer: string, extra?: string): string {
  const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (extra !== undefined) keys.push(extra)
  return keys.map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? (i ? '.' : '') + k : `[${JSON.stringify(k)}]`)).join('')
}

function describe(e: ErrorObject): Problem {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      return { path: jsonPath(e.instancePath, String(p.missingProperty)), message: 'is required' }
    case 'enum':
      return { path: jsonPath(e.instancePath), message: 'must be one of: ' + (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ') }
    case 'const':
      return { path: jsonPath(e.instancePath), message: 'must be ' + JSON.stringify(p.allowedValue) }
    case 'type':
      return { path: jsonPath(e.instancePath), message: 'must be ' + String(p.type).split(',').join(' or ') }
    case 'format':
      return { path: jsonPath(e.instancePath), message: DATE_TIME }
    case 'pattern':
      return { path: jsonPath(e.instancePath), message: p.pattern === '^[1-9]' ? DATE_TIME : e.message ?? 'must match ' + String(p.pattern) }
    default:
      return { path: jsonPath(e.instancePath), message: e.message ?? e.keyword }
  }
}

/**
 * Objects and arrays nested deeper than this (counted from the batch) are refused: the SDK nests props
 * and traits at most 8 levels (about 12 from the batch), and deeper data would overflow the stack of a
 * recursive walk (JSON.stringify when storing it, PostgreSQL's jsonb parser).
 */
export const MAX_DEPTH = 32

/** JSON path of the first object or array nested deeper than MAX_DEPTH, if any. Iterative, for that reason. */
function tooDeep(data: unknown): string | null {
  const stack: Array<[unknown, string, number]> = [[data, '', 0]]
  while (stack.length) {
    const [v, pointer, depth] = stack.pop()!
    if (depth > MAX_DEPTH) return jsonPath(pointer)
    for (const [k, x] of Object.entries(v as object)) {
      if (x && typeof x === 'object') stack.push([x, pointer + '/' + k.replace(/~/g, '~0').replace(/\//g, '~1'), depth + 1])
    }
  }
  return null
}

/** Messages dated further ahead than this are refused: a wrong client clock would skew every score after it. */
export const MAX_FUTURE_MS = 24 * 3_600_000

/** Parses and validates a request body. Never throws. */
export function parseBatch(text: string, now = Date.now()): Parsed {
  if (!text.trim()) return { ok: false, error: 'invalid_json', message: 'the body is empty; expected a JSON batch (docs/payload.md)' }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    const where = jsonErrorAt(text)
    const at = where ? { line: where.line, column: where.column, position: where.position } : undefined
    const why = where ? `line ${where.line}, column ${where.column}: ${where.message}` : e instanceof Error ? e.message : String(e)
    return { ok: false, error: 'invalid_json', message: `the body is not valid JSON (${why})`, ...(at ? { at } : {}) }
  }
  const deep = data && typeof data === 'object' ? tooDeep(data) : null
  if (deep) {
    const problem = { path: deep, message: `nests deeper than ${MAX_DEPTH} levels (counted from the batch)` }
    return { ok: false, error: 'invalid_payload', message: `the batch nests too deep: ${problem.path} ${problem.message}`, problems: [problem] }
  }
  const obj = data as Record<string, unknown>
  if (obj && typeof obj === 'object' && Array.isArray(obj.batch) && !('messages' in obj)) {
    return { ok: false, error: 'invalid_payload', message: 'this is a Segment-format batch; this collector accepts the MomentKit format (delivery.format "momentkit")', problems: [{ path: 'messages', message: 'is required' }] }
  }
  if (!check(data)) {
    const problems = (check.errors ?? []).filter((e) => e.keyword !== 'if').map(describe)
    const unique = [...new Map(problems.map((p) => [p.path + '\0' + p.message, p])).values()]
    const shown = unique.slice(0, MAX_PROBLEMS)
    const more = unique.length - shown.length
    const lines = shown.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')
    return { ok: false, error: 'invalid_payload', message: `the batch does not match the payload schema: ${lines}${more > 0 ? `; and ${more} more` : ''}`, problems: shown }
  }
  const batch = data as Batch & { common?: Record<string, unknown> }
  // The identity fields the SDK sends once (`common`) go into every message that has none of its own:
  // from here on (storage, scoring, alerts) each message is whole, as if sent in full.
  if (batch.common) {
    const c = batch.common
    batch.messages = batch.messages.map((m) => {
      const out = { ...m } as Record<string, unknown>
      for (const k of ['userId', 'anonymousId', 'accountId', 'model', 'sdk']) if (!Object.hasOwn(out, k) && Object.hasOwn(c, k)) out[k] = c[k]
      return out as unknown as Message
    })
    delete batch.common
  }
  const first = batch.messages[0]
  for (let i = 1; i < batch.messages.length; i++) {
    const m = batch.messages[i]
    for (const key of ['userId', 'anonymousId'] as const) {
      if (m[key] !== first[key]) {
        const problem = { path: `messages[${i}].${key}`, message: `is ${JSON.stringify(m[key])} but messages[0].${key} is ${JSON.stringify(first[key])}; a batch carries messages of one identity` }
        return { ok: false, error: 'invalid_payload', message: `mixed identities in one batch: ${problem.path} ${problem.message}`, problems: [problem] }
      }
    }
  }
  const future = batch.messages
    .map((m, i) => [m, i] as const)
    .filter(([m]) => Date.parse(m.at) > now + MAX_FUTURE_MS)
    .map(([, i]) => ({ path: `messages[${i}].at`, message: 'is more than 24 hours ahead of the server clock (is the client clock wrong?)' }))
  if (future.length) return { ok: false, error: 'invalid_payload', message: `messages dated in the future: ${future.map((p) => p.path).join(', ')}`, problems: future.slice(0, MAX_PROBLEMS) }
  return { ok: true, batch }
}
