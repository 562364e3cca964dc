/**
 * Delay before retry number `attempt` (0-based): exponential from `base`,
 * capped at `max`, with "full jitter" (a uniform pick between half and all
 * of it) so that many clients coming back online do not retry in step.
 * A server's Retry-After wins when it asks for longer.
 *
 * @example
 * backoff(0) // 500-1000 ms
 * backoff(3) // 4-8 s
 * backoff(10) // 2.5-5 min (capped)
 */
export function backoff(attempt: number, random: () => number = Math.random, base = 1000, max = 300_000, retryAfterMs?: number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt))
  const delay = exp / 2 + (random() * exp) / 2
  return retryAfterMs !== undefined && retryAfterMs > delay ? Math.min(retryAfterMs, 3_600_000) : delay
}

// An HTTP-date as RFC 7231 has servers send it (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"). Only
// that goes to Date.parse, which reads much else as a date ("soon 2099" is 1 January 2099).
const HTTP_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/

/**
 * Parses a Retry-After header: seconds or an HTTP date. Returns ms, or
 * undefined for a missing, negative or unreadable value.
 */
export function retryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined
  const v = header.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000
  const t = HTTP_DATE.test(v) ? Date.parse(v) : NaN
  return Number.isFinite(t) && t > now ? t - now : undefined
}
