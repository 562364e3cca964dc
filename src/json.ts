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
  const out = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
    const proto = Object.getPrototypeOf(raw)
    return proto === Object.prototype || proto === null ? raw : v
  })
  if (typeof out !== 'string') throw new TypeError('JSON.stringify answered no string (replaced by another script?)')
  return out
}
