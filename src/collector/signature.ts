/**
 * Signed webhook deliveries (Stripe's scheme). With a webhook secret, every
 * POST carries
 *
 *   MomentKit-Signature: t=<unix seconds of this attempt>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * so a receiver can tell a real alert from a forged one (only the holder of
 * the secret can sign) and refuse a replayed one (the timestamp is signed
 * too, and is checked against a tolerance window). The signed string is the
 * exact body bytes as sent: verify before parsing, on the raw body.
 *
 * Node only (node:crypto) and self-contained, so a receiver can copy it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'MomentKit-Signature'

/** Seconds a signature stays acceptable (either way, for clock skew). */
export const DEFAULT_TOLERANCE_SEC = 300

export type SignatureVerdict = { ok: true; timestamp: number } | { ok: false; reason: string }

const hmac = (secret: string, t: number, body: string | Buffer) => createHmac('sha256', secret).update(`${t}.`).update(body).digest()

/**
 * The header value for one delivery attempt.
 *
 * @example
 * const body = JSON.stringify(alert)
 * fetch(url, { method: 'POST', body, headers: { 'MomentKit-Signature': signWebhook(secret, body, Date.now()) } })
 */
export function signWebhook(secret: string, body: string | Buffer, nowMs: number): string {
  const t = Math.floor(nowMs / 1000)
  return `t=${t},v1=${hmac(secret, t, body).toString('hex')}`
}

/**
 * Checks a delivery: `header` is the MomentKit-Signature header, `body` the
 * raw body exactly as received (not re-serialised JSON). Accepts when one
 * `v1` matches (constant-time compare) and `t` is within `toleranceSec` of
 * `now`. Several secrets may be given while rotating one.
 *
 * @example
 * const v = verifyWebhook(rawBody, req.headers['momentkit-signature'], process.env.WEBHOOK_SECRET)
 * if (!v.ok) return res.writeHead(400).end(v.reason)
 */
export function verifyWebhook(
  body: string | Buffer,
  header: string | string[] | null | undefined,
  secret: string | readonly string[],
  o: { toleranceSec?: number; now?: number } = {},
): SignatureVerdict {
  if (Array.isArray(header)) header = header.join(',')
  if (typeof header !== 'string' || !header) return { ok: false, reason: `the ${SIGNATURE_HEADER} header is missing` }
  let t = NaN
  const sigs: Buffer[] = []
  for (const part of header.split(',')) {
    const i = part.indexOf('=')
    const [k, v] = [part.slice(0, i).trim(), part.slice(i + 1).trim()]
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v)
    if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) sigs.push(Buffer.from(v, 'hex'))
  }
  if (!Number.isFinite(t)) return { ok: false, reason: `the ${SIGNATURE_HEADER} header has no timestamp (t=<unix seconds>)` }
  if (!sigs.length) return { ok: false, reason: `the ${SIGNATURE_HEADER} header has no v1 signature` }
  const secrets = typeof secret === 'string' ? [secret] : secret
  if (!secrets.length || secrets.some((s) => !s)) return { ok: false, reason: 'no webhook secret to verify with' }
  const expected = secrets.map((s) => hmac(s, t, body))
  // Every pair is compared, so the time taken does not say which one (or whether any) matched.
  let match = false
  for (const e of expected) for (const s of sigs) match = timingSafeEqual(e, s) || match
  if (!match) return { ok: false, reason: 'the signature does not match the body (wrong secret, or the body was changed)' }
  const tolerance = o.toleranceSec ?? DEFAULT_TOLERANCE_SEC
  const age = (o.now ?? Date.now()) / 1000 - t
  if (Math.abs(age) > tolerance) return { ok: false, reason: `the timestamp is ${Math.round(Math.abs(age))} s ${age > 0 ? 'old' : 'in the future'}, outside the ${tolerance} s tolerance (a replay?)` }
  return { ok: true, timestamp: t }
}
