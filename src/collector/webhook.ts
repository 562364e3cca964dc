/**
 * Delivers stored sales alerts to the webhook. A PQL alert that fails
 * silently is worse than none, so every attempt is recorded on the alert
 * (attempts, last error, next try), retried with the SDK's jittered
 * exponential backoff (Retry-After honoured), and marked `failed` after the
 * last attempt; the inbox lists deliveries that are failing.
 *
 * Alerts are claimed one at a time, just before their POST, with a short
 * lease (next_at pushed forward under FOR UPDATE SKIP LOCKED), so two
 * collectors on one PostgreSQL do not post one alert twice, and a collector
 * that dies mid-post leaves the alert to be retried when the lease ends.
 * (Claiming a batch at once let the lease run out on its last alerts while
 * the first ones were still being posted to a slow webhook.)
 */
import { backoff, retryAfter } from '../sync/backoff'
import type { AlertContent } from './alerts'
import { slackMessage } from './alerts'
import { type Db, type Row, ts } from './db'
import type { Settings } from './options'
import { SIGNATURE_HEADER, signWebhook } from './signature'

const LEASE_MS = 60_000
const TIMEOUT_MS = 10_000
const BATCH = 10

export interface Delivery {
  /** New alerts are stored: look now rather than at the next scheduled time. */
  kick(): void
  /** Delivers what is due now; resolves with how many were attempted (tests). */
  runOnce(): Promise<number>
  stop(): Promise<void>
}

export function createDelivery(db: Db, s: Settings, inboxUrl: () => string): Delivery {
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<number> | null = null
  let again = false
  let stopped = false

  async function post(alert: Row): Promise<{ ok: true } | { ok: false; error: string; retryAfter?: number }> {
    const content = alert.content as AlertContent
    const body = s.webhookFormat === 'json' ? { type: 'momentkit.alert', id: String(alert.id), ...content, inboxUrl: inboxUrl() } : slackMessage(content, s.now(), inboxUrl())
    const text = JSON.stringify(body)
    // The id is the same for every attempt at one alert (receivers deduplicate by it); the signature is
    // made for this attempt, over the exact bytes sent, so its timestamp says when this POST was made.
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'MomentKit-Alert-Id': String(alert.id) }
    if (s.webhookSecret) headers[SIGNATURE_HEADER] = signWebhook(s.webhookSecret, text, s.now())
    try {
      // A redirect is not followed: fetch would repeat a 302 as a GET without the alert, and its 200 mark the alert sent.
      const res = await fetch(s.webhookUrl!, { method: 'POST', headers, body: text, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) })
      if (res.ok) return { ok: true }
      if (res.status >= 300 && res.status < 400) {
        return { ok: false, error: `HTTP ${res.status}: the webhook redirects${res.headers.get('Location') ? ' to ' + res.headers.get('Location') : ''}; set WEBHOOK_URL to the final URL` }
      }
      const said = (await res.text().catch(() => '')).slice(0, 200)
      return { ok: false, error: `HTTP ${res.status}${said ? ': ' + said : ''}`, retryAfter: retryAfter(res.headers.get('Retry-After'), s.now()) }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } }
      return { ok: false, error: err.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message }
    }
  }

  async function deliver(): Promise<number> {
    if (!s.webhookUrl) return 0
    let n = 0
    for (; n < BATCH && !stopped; n++) {
      const now = s.now()
      // The lease covers one POST (at most TIMEOUT_MS) and its bookkeeping.
      const [alert] = await db.query(
        `update alerts set next_at = $2::timestamptz where id in (
           select id from alerts where status in ('pending', 'retrying') and next_at <= $1::timestamptz order by id limit 1 for update skip locked
         ) returning *`,
        [ts(now), ts(now + LEASE_MS)],
      )
      if (!alert) break
      const r = await post(alert)
      const attempts = alert.attempts + 1
      if (r.ok) {
        await db.query(`update alerts set status = 'sent', attempts = $2, sent_at = $3::timestamptz, next_at = null where id = $1`, [alert.id, attempts, ts(s.now())])
        s.log(`alert ${alert.id} delivered (${alert.kind} ${alert.subject}, attempt ${attempts})`)
        continue
      }
      const last = attempts >= s.retry.attempts
      const wait = backoff(attempts - 1, Math.random, s.retry.base, s.retry.max, r.retryAfter)
      await db.query(`update alerts set status = $2, attempts = $3, last_error = $4, next_at = $5::timestamptz where id = $1`, [
        alert.id, last ? 'failed' : 'retrying', attempts, r.error, last ? null : ts(s.now() + wait),
      ])
      s.log(`alert ${alert.id} webhook failed (attempt ${attempts}/${s.retry.attempts}): ${r.error}${last ? '; giving up (shown in the inbox)' : `; retrying in ${Math.round(wait / 100) / 10} s`}`)
    }
    return n
  }

  async function schedule(): Promise<void> {
    if (stopped || !s.webhookUrl) return
    const [next] = await db.query(`select min(next_at) as at from alerts where status in ('pending', 'retrying')`)
    if (!next?.at || stopped) return
    const wait = Math.min(Math.max(new Date(next.at).getTime() - s.now(), 0), LEASE_MS)
    clearTimeout(timer)
    timer = setTimeout(() => void runOnce(), wait)
    timer.unref?.()
  }

  function runOnce(): Promise<number> {
    if (running) return ((again = true), running)
    running = (async () => {
      let n = 0
      do {
        again = false
        n += await deliver()
      } while (again && !stopped)
      return n
    })()
      .catch((e) => (s.log(`alert delivery error: ${e instanceof Error ? e.message : e}`), 0))
      .finally(() => {
        running = null
        void schedule().catch(() => {})
      })
    return running
  }

  return {
    kick: () => void runOnce(),
    runOnce,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
