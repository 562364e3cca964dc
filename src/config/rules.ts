/**
 * Small declarative checkers for config validation; messages are generated
 * from them, so the shape of the config is written once and stays compact.
 */
import { toTime } from '../date'
export type Any = any // eslint-disable-line @typescript-eslint/no-explicit-any
export type Rule = (v: Any, path: string, err: (path: string, message: string) => void) => void

export const isObj = (v: unknown): v is Record<string, Any> => typeof v === 'object' && v !== null && !Array.isArray(v)
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
// Own keys only: "toString" or "__proto__" in a config must not match Object.prototype.
export const own = (o: object, k: unknown): boolean => typeof k === 'string' && Object.prototype.hasOwnProperty.call(o, k)
export const at = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key)
// Not "__proto__": an id is a key of plain objects (signals, dimensions, scores), where it would set the prototype.
export const ID = /^(?!__proto__$)[\w.-]{1,64}$/
export const ID_MSG = 'must be 1-64 letters, digits, "_", "-" or "." (not "__proto__")'

/** Length in code points, as JSON Schema's maxLength counts it (an emoji is 1 character, not 2 UTF-16 units). */
export const chars = (s: string): number => [...s].length
// Blank text ("  ") would render an empty heading or button, or name an event or plan nothing sends.
// `holes` finds a "{{" opening no {{placeholder}} that fill() (src/score/reasons.ts) knows: it would show, braces and all.
// (The JSON Schema's patterns say the same.)
export const str = (max = 200, holes?: RegExp): Rule => (v, p, err) =>
  typeof v === 'string' && /\S/.test(v) && chars(v) <= max ? holes?.test(v) && err(p, 'has an unknown {{placeholder}}') : err(p, `must be a non-blank string of at most ${max} characters`)
export const id: Rule = (v, p, err) => (typeof v === 'string' && ID.test(v)) || err(p, ID_MSG)
export const num = (min: number, max: number, int?: 1): Rule => (v, p, err) =>
  (isNum(v) && v >= min && v <= max && (!int || Number.isInteger(v))) || err(p, `must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`)
export const bool: Rule = (v, p, err) => typeof v === 'boolean' || err(p, 'must be true or false')
export const oneOf = (...values: unknown[]): Rule => (v, p, err) => values.includes(v) || err(p, 'must be one of: ' + values.map((x) => JSON.stringify(x)).join(', '))
// The ECMAScript date-time format (a subset of ISO 8601), as the JSON Schema states it: looser strings
// ("T24:00", ".5" or ".123456" seconds) parse differently across browsers, or not at all. Out-of-range
// fields ("2026-13-01", "T10:60") are left to toTime, which refuses them.
export const ISO = /^\d{4}-\d\d-\d\d(T([01]\d|2[0-3]):\d\d(:\d\d(\.\d{3})?)?(Z|[+-]\d\d:\d\d)?)?$/
export const time: Rule = (v, p, err) =>
  (typeof v === 'string' ? ISO.test(v) && isNum(toTime(v)) : isNum(v) && Math.abs(v) <= 8.64e15) || err(p, 'must be an ISO 8601 date string or epoch milliseconds')
export const arr = (item: Rule, min = 1): Rule => (v, p, err) =>
  Array.isArray(v) && v.length >= min ? v.forEach((x, i) => item(x, at(p, i), err)) : err(p, min ? 'must be a non-empty array' : 'must be an array')
// With anyKey (plan names, event props), a blank key still names nothing: "" would be the plan of users without one.
export const map = (item: Rule, anyKey?: 1): Rule => (v, p, err) =>
  isObj(v)
    ? Object.keys(v).forEach((k) => (anyKey ? /\S/.test(k) : ID.test(k)) ? item(v[k], at(p, k), err) : anyKey ? err(`${p}[${JSON.stringify(k)}]`, 'key must not be blank') : err(at(p, k), 'key ' + ID_MSG))
    : err(p, 'must be an object')
const scalar: Rule = (v, p, err) => ['string', 'boolean'].includes(typeof v) || isNum(v) || err(p, 'must be a string, a finite number or a boolean')
/** An event filter: props equal to these values. */
export const where = map(scalar, 1)
/** An object of `shape`; with `some`, not an empty one (a CTA with neither url nor action goes nowhere). */
export const obj = (shape: Record<string, Rule>, required: string[] = [], some?: 1): Rule => (v, p, err) => {
  if (!isObj(v)) return err(p, 'must be an object')
  if (some && !Object.keys(v).length) err(p, 'needs one of: ' + Object.keys(shape).join(', '))
  for (const k of Object.keys(v)) own(shape, k) ? shape[k](v[k], at(p, k), err) : err(at(p, k), 'unknown key (expected one of: ' + Object.keys(shape).join(', ') + ')')
  for (const k of required) if (v[k] === undefined) err(at(p, k), 'is required')
}

