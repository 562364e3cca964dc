/**
 * JSON for what leaves the page (requests, the page-hide hand-over). Other
 * scripts patch globals: Prototype.js 1.6 put `toJSON` on Array and String
 * prototypes, and native JSON.stringify then wrote arrays as quoted strings,
 * which a collector rejects and the SDK would drop. The SDK's data is plain
 * (props are copied into plain JSON data on track), so values are written
 * as they are, skipping any `toJSON` except on non-plain objects (Date).
 * A JSON.stringify replaced by something that returns no string throws
 * here, so the caller retries instead of sending garbage.
 */
export function toJson(value: unknown): string {
  // The replacer costs a call per value (a third of a burst's delivery work): only when some
  // script put a toJSON where plain objects and arrays find it. Without one, native JSON.stringify
  // writes plain data exactly as the replacer does.
  const out = 'toJSON' in Object.prototype || 'toJSON' in Array.prototype ? JSON.stringify(value, plainValues) : JSON.stringify(value)
  if (typeof out !== 'string') throw new TypeError('JSON.stringify answered no string (replaced by another script?)')
  return out
}

function plainValues(this: Record<string, unknown>, key: string, v: unknown): unknown {
  const raw = this[key]
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const proto = Object.getPrototypeOf(raw)
  return proto === Object.prototype || proto === null ? raw : v
}

const written = new WeakMap<object, string>()
const compact = new WeakMap<object, string>()

/**
 * toJson of a queued message, made once: the outbox measures each message to fill a request, and
 * the request's body is made of the same text. Messages are not changed once queued.
 */
export function messageJson(m: object): string {
  let s = written.get(m)
  if (s === undefined) written.set(m, (s = toJson(m)))
  return s
}

/**
 * A message as a batch with `common` carries it (docs/payload.md): its JSON without the identity
 * fields (userId, anonymousId, accountId, model, sdk), which the batch sends once. Made once, as messageJson.
 */
export function compactJson(m: object): string {
  let s = compact.get(m)
  if (s === undefined) {
    const { userId: _u, anonymousId: _a, accountId: _c, model: _m, sdk: _s, ...rest } = m as Record<string, unknown>
    compact.set(m, (s = toJson(rest)))
  }
  return s
}
