import type { Logger } from '../log'
import type { Op } from '../store/aggregate'
import { toTime } from '../date'

/** Limits on what one `track` call may carry. */
export const MAX_NAME = 200
export const MAX_PROPS_BYTES = 16_384
const MAX_DEPTH = 8

export type Props = Record<string, unknown>

/**
 * A lone surrogate (a string cut in the middle of an emoji): JSON.stringify writes it as "\ud83d",
 * which PostgreSQL's jsonb refuses, so a collector could store no batch holding it.
 */
export const malformed = (s: string): boolean => (s as { isWellFormed?: () => boolean }).isWellFormed?.() === false

/** Why a `track` input is refused; null when it is fine. */
export function checkName(name: unknown): string | null {
  if (typeof name !== 'string') return `event name must be a string, got ${name === null ? 'null' : typeof name}`
  if (!name.trim()) return 'event name must not be empty'
  if (name.length > MAX_NAME) return `event name longer than ${MAX_NAME} characters`
  if (malformed(name)) return 'event name has a lone surrogate'
  return null
}

/**
 * Copies props into plain JSON data, so later mutation by the host cannot
 * change what was recorded. Refuses (returns a reason) cyclic structures,
 * functions, symbols, BigInt, NaN/Infinity, deep nesting, lone surrogates
 * and anything over the size limit, and values JSON would write as {} (a Map,
 * Set, typed array, RegExp, Error...). Dates become ISO strings.
 */
export function cleanProps(input: unknown): { props?: Props; problem?: string } {
  if (input === undefined || input === null) return {}
  if (!isRecord(input)) return { problem: 'props must be a plain object' }
  const keys = Object.keys(input)
  const flat = flatCopy(input, keys)
  return flat ? { props: flat } : walkProps(input, keys)
}

/**
 * Props are a plain object: its prototype is null or an Object.prototype (another frame's too), so
 * not an array, a Date, a Map or a class instance, whose fields would be recorded as if they were props.
 */
const isRecord = (v: unknown): v is Props => {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === null || Object.getPrototypeOf(proto) === null
}

/**
 * cleanProps' general path, for props the flat copy did not take (exported for the tests that hold
 * the short path to the same answers). `keys`: the input's own keys, listed once by the caller
 * (50,000 keys are slow to list).
 */
export function walkProps(input: Props, keys: string[]): { props?: Props; problem?: string } {
  const stack: unknown[] = []
  let bytes = 0
  let problem: string | undefined
  const copy = (v: unknown, depth: number, path: string): unknown => {
    if (problem) return
    const s = scalar(v)
    if (typeof s === 'number') return (bytes += s), v
    if (s) return void (problem = `props.${path} ${s}`)
    switch (typeof v) {
      case 'undefined':
        return undefined
      case 'object':
        if (v instanceof Date) return isNaN(+v) ? ((problem = `props.${path} is an invalid Date`), undefined) : v.toISOString()
        if (depth > MAX_DEPTH) return ((problem = `props.${path} nests deeper than ${MAX_DEPTH} levels`), undefined)
        if (stack.includes(v)) return ((problem = `props.${path} is cyclic`), undefined)
        stack.push(v)
        let out: unknown
        // A Map, Set, typed array, RegExp, Error... would be written as {} or an object of indices, the
        // data lost without a word: refused. Class instances are their own fields.
        const tag = tagOf.call(v).slice(8, -1)
        if (tag !== 'Object' && tag !== 'Array') problem = `props.${path}: ${tag} is not JSON data`
        else if (Array.isArray(v)) out = v.map((x, i) => copy(x, depth + 1, `${path}[${i}]`))
        else {
          const o: Record<string, unknown> = {}
          for (const k of v === input ? keys : Object.keys(v as object)) {
            bytes += k.length + 3
            // Over the limit or refused already: stop, rather than copy 50,000 keys only to drop them.
            if (problem || bytes > MAX_PROPS_BYTES) break
            const x = copy((v as Record<string, unknown>)[k], depth + 1, path ? `${path}.${k}` : k)
            if (x === undefined) continue
            // An own data property, always: "__proto__", or a key another script defined on Object.prototype
            // (a setter there would catch the value), is defined rather than assigned.
            if (k in o) Object.defineProperty(o, k, { value: x, enumerable: true, writable: true, configurable: true })
            else o[k] = x
          }
          out = o
        }
        stack.pop()
        if (bytes > MAX_PROPS_BYTES) problem = `props larger than ${MAX_PROPS_BYTES / 1024} KB`
        return out
      default:
        problem = `props.${path} is a ${typeof v} (not JSON data)`
    }
  }
  const props = copy(input, 0, '') as Props
  return problem ? { problem } : { props }
}

const tagOf = Object.prototype.toString

/** Bytes a scalar prop value counts for (null: 0), what is wrong with it, or null when it is not a scalar. */
function scalar(v: unknown): number | string | null {
  switch (typeof v) {
    case 'string':
      return malformed(v as string) ? 'has a lone surrogate' : (v as string).length + 2
    case 'boolean':
      return 5
    case 'number':
      return Number.isFinite(v) ? 8 : `is ${v} (not a finite number)`
    default:
      return v === null ? 0 : null
  }
}

/** The bytes the last flatCopy (or nestedCopy) that succeeded counted, as the general walk counts them. */
let copiedBytes = 0

/**
 * The common case, without the general walk: up to 32 keys of scalars, and
 * (at the top) plain objects and arrays of up to 32 scalars, as in
 * `{ filters: { range: '7d' }, tags: ['a', 'b'] }`. Anything else (deeper
 * nesting, a Date, a key named like an Object.prototype property, a problem
 * to report, the size limit) answers undefined and takes the general path,
 * which reads the values again.
 */
function flatCopy(v: Props, keys: string[], nested = false): Props | undefined {
  if (v instanceof Date) return
  if (keys.length > 32) return
  const o: Props = {}
  let bytes = 0
  for (const k of keys) {
    let x = v[k]
    bytes += k.length + 3
    if (x === undefined) continue
    if (k in o) return
    const s = scalar(x)
    if (typeof s === 'number') bytes += s
    else if (s !== null || nested || (x = nestedCopy(x)) === undefined) return
    else bytes += copiedBytes
    o[k] = x
  }
  copiedBytes = bytes
  return bytes > MAX_PROPS_BYTES ? undefined : o
}

/** A plain object or array one level down, copied when it holds only scalars; otherwise undefined. */
function nestedCopy(x: unknown): unknown {
  if (typeof x !== 'object' || x === null) return
  const proto = Object.getPrototypeOf(x)
  if (proto === Object.prototype) return flatCopy(x as Props, Object.keys(x), true)
  if (proto !== Array.prototype) return
  const a = x as unknown[]
  if (a.length > 32) return
  const out: unknown[] = []
  let bytes = 0
  for (let i = 0; i < a.length; i++) {
    const s = scalar(a[i])
    if (typeof s !== 'number') return
    bytes += s
    out.push(a[i])
  }
  copiedBytes = bytes
  return out
}

const MAX_BACKFILL = 400 * 86_400_000

/**
 * Turns a track() call into an op, or warns (once per problem) and returns
 * null. `options.at` backfills a past event (up to 400 days back).
 */
export function trackOp(name: unknown, props: unknown, options: { at?: unknown } | undefined, now: number, log: Logger): Op | null {
  // The common case first, without intermediate objects: a short name, flat props of scalars.
  const n = typeof name === 'string' && name.length <= MAX_NAME && !malformed(name) ? name.trim() : ''
  if (!n) return log.warn(`track() dropped: ${checkName(name)}`), null
  // cleanProps, without its result object when the flat copy takes the props, and without trying
  // the flat copy twice when it does not (50,000 keys are slow to list).
  const keys = isRecord(props) ? Object.keys(props) : null
  let p = keys ? flatCopy(props as Props, keys) : undefined
  if (!p && props !== undefined && props !== null) {
    const clean = keys ? walkProps(props as Props, keys) : cleanProps(props)
    if (clean.problem) return log.warn(`track("${name}") dropped: ${clean.problem}`, 'props:' + clean.problem), null
    p = clean.props
  }
  let t = now
  const at = options?.at
  if (at !== undefined) {
    // As identify()'s dates: a bare date is local midnight (Date.parse takes it as UTC, the evening before west of UTC).
    t = (at instanceof Date ? +at : toTime(at)) ?? NaN
    if (!Number.isFinite(t) || t > now + 60_000 || t < now - MAX_BACKFILL) return log.warn(`track("${name}") dropped: options.at must be a date within the last 400 days`), null
  }
  return { k: 'e', n, p, t }
}
