/**
 * Who may write, and proof of who the user is. Pure functions over the
 * batch's `auth`; the server turns a refusal into 401 before storing
 * anything.
 *
 * Identity verification follows Intercom's scheme: the app's server signs
 * the user id with a secret the browser never sees, either as
 * `userHash = hex(HMAC-SHA256(secret, userId))` or as an HS256 JWT whose
 * `sub` is the user id. Without it anyone could send events, scores or tier
 * crossings "as" a user and trigger sales alerts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Auth } from '../sync/types'

export type Verdict = { ok: true } | { ok: false; reason: string }

const OK: Verdict = { ok: true }
const no = (reason: string): Verdict => ({ ok: false, reason })

/** Constant-time comparison of two strings (false, not a throw, when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export const userHash = (secret: string, userId: string): string => createHmac('sha256', secret).update(userId).digest('hex')

/** The write key must be one of the configured keys; no keys configured means no check. */
export function checkWriteKey(keys: readonly string[], auth: Auth): Verdict {
  if (!keys.length) return OK
  if (!auth.writeKey) return no('auth.writeKey is missing; this collector requires a write key')
  return keys.some((k) => safeEqual(k, auth.writeKey!)) ? OK : no('auth.writeKey is not a known write key')
}

const b64url = (buf: Buffer) => buf.toString('base64url')

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null
  } catch {
    return null
  }
}

/**
 * Checks an HS256 JWT: signature, `sub === userId`, `exp` present and in the
 * future, `nbf` (if any) reached; `leewaySec` allows for clock skew.
 * Any other `alg` (notably "none") is refused.
 */
export function verifyJwt(token: string, secret: string, userId: string, nowMs: number, leewaySec = 60): Verdict {
  const parts = token.split('.')
  if (parts.length !== 3) return no('auth.jwt is not a JWT (header.payload.signature)')
  const [h, p, sig] = parts
  const header = decodePart(h)
  const payload = decodePart(p)
  if (!header || !payload) return no('auth.jwt header or payload is not base64url JSON')
  if (header.alg !== 'HS256') return no(`auth.jwt alg must be HS256, got ${JSON.stringify(header.alg)}`)
  const expected = b64url(createHmac('sha256', secret).update(h + '.' + p).digest())
  if (!safeEqual(expected, sig)) return no('auth.jwt signature does not match')
  if (payload.sub !== userId) return no('auth.jwt sub is not the userId of the messages')
  const now = nowMs / 1000
  if (typeof payload.exp !== 'number') return no('auth.jwt has no exp')
  if (payload.exp + leewaySec <= now) return no('auth.jwt has expired')
  if (typeof payload.nbf === 'number' && payload.nbf - leewaySec > now) return no('auth.jwt is not valid yet (nbf)')
  return OK
}

/**
 * Identity verification of a batch whose messages carry `userId`. With no
 * secret configured, or no userId (anonymous visitor), there is nothing to
 * verify. A JWT, when present, is checked; otherwise the userHash.
 */
export function verifyIdentity(secret: string | null | undefined, auth: Auth, userId: string | null, nowMs: number): Verdict {
  if (!secret || userId === null) return OK
  if (auth.jwt) return verifyJwt(auth.jwt, secret, userId, nowMs)
  if (auth.userHash) return safeEqual(userHash(secret, userId), auth.userHash.toLowerCase()) ? OK : no('auth.userHash does not match the userId')
  return no('identity verification is required: auth.userHash or auth.jwt is missing')
}

/** Signs an HS256 JWT, for tests and for apps' servers that want an example. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const h = b64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))
  const p = b64url(Buffer.from(JSON.stringify(payload)))
  return h + '.' + p + '.' + b64url(createHmac('sha256', secret).update(h + '.' + p).digest())
}
