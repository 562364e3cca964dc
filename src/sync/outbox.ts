import type { Logger } from '../log'
import type { KV } from '../store/kv'
import { backoff } from './backoff'
import type { Auth, Batch, Message, RollupMessage } from './types'

/** What one delivery attempt came back with. */
export type SendResult = { status: number; retryAfter?: number } | { error: string }

export interface OutboxOptions {
  /** Chunks of messages, persisted (its own IndexedDB database). */
  kv: KV
  /** Sends one batch; `keepalive` on page hide. Injected so tests need no network mocks. */
  send(batch: Batch, keepalive: boolean): Promise<SendResult>
  now(): number
  log: Logger
  auth(msg: Message): Auth
  sdkVersion: string
  /** Runs `fn` while holding the cross-tab sender lease, waiting for it if another tab holds it. */
  lease?(fn: () => Promise<void>): Promise<void>
  online?(): boolean
  random?(): number
  /** Max messages and bytes per request; max messages kept before raw events are rolled up. */
  batchSize?: number
  maxBytes?: number
  maxQueue?: number
  /** Wait this long to gather a batch (ms). Tier crossings skip the wait. */
  interval?: number
  /** First retry delay (ms); doubles per failure up to 5 minutes. Default 1000. */
  retryBase?: number
  /** Bytes of a batch as it goes on the wire (UTF-8, in the configured format), for the keepalive budget. */
  bytes?(batch: Batch): number
  /** Shown, dropped and rolled-up counts, for explain() and tests. */
  onStats?(stats: OutboxStats): void
}

export interface OutboxStats {
  queued: number
  sent: number
  dropped: number
  rolledUp: number
  retries: number
  lastError: string | null
}

const CHUNK = 200
const KEEPALIVE_BUDGET = 60_000
const size = (m: unknown) => JSON.stringify(m).length
const same = (a: Message, b: Message) => a.userId === b.userId && a.anonymousId === b.anonymousId

export interface Outbox {
  add(messages: Message[], urgent?: boolean): void
  /** Persists pending messages and tries to deliver now. */
  drain(): Promise<void>
  /** Page is going away: send what fits in one keepalive request (nothing is removed: unconfirmed). */
  hide(): void
  /** Hands over messages not yet stored (page hide); `add` takes them back. */
  takePending(): Message[]
  stats(): OutboxStats
  stop(): void
}

export function createOutbox(o: OutboxOptions): Outbox {
  const batchSize = o.batchSize ?? 100
  const maxBytes = o.maxBytes ?? 60_000
  const maxQueue = o.maxQueue ?? 5000
  const interval = o.interval ?? 2000
  const chunkPrefix = 'c:' + o.now().toString(36).padStart(9, '0') + ':' + Math.random().toString(36).slice(2, 8) + ':'
  let chunkSeq = 0
  let chunkFill = 0
  let pending: Message[] = []
  /** Messages this tab knows are not confirmed yet (for the page-hide beacon). */
  const unconfirmed = new Map<string, Message>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  let limit = batchSize
  let stopped = false
  let running: Promise<void> | null = null
  /** drain() was asked for while a round was running: run another one after it. */
  let again = false
  const st: OutboxStats = { queued: 0, sent: 0, dropped: 0, rolledUp: 0, retries: 0, lastError: null }
  const report = () => o.onStats?.({ ...st })

  const schedule = (ms: number) => {
    clearTimeout(timer)
    if (!stopped) timer = setTimeout(() => void drain(), ms)
  }

  async function persist(): Promise<void> {
    if (!pending.length) return
    const batch = pending
    pending = []
    // Append to this tab's current chunk; a new one every CHUNK messages keeps chunks few and writes small.
    if (chunkFill + batch.length > CHUNK) (chunkSeq++, (chunkFill = 0))
    chunkFill += batch.length
    await o.kv.update<Message[]>(chunkPrefix + String(chunkSeq).padStart(6, '0'), (old) => (Array.isArray(old) ? old.concat(batch) : batch))
  }

  async function load(): Promise<Array<[string, Message[]]>> {
    const out: Array<[string, Message[]]> = []
    for (const key of (await o.kv.keys()).filter((k) => k.startsWith('c:')).sort()) {
      const v = await o.kv.get<Message[]>(key)
      if (Array.isArray(v) && v.length) out.push([key, v])
      else await o.kv.del(key)
    }
    return out
  }

  async function remove(chunks: Array<[string, Message[]]>, ids: Set<string>): Promise<void> {
    for (const [key, list] of chunks) {
      if (!list.some((m) => ids.has(m.id))) continue
      await o.kv.update<Message[]>(key, (old) => (Array.isArray(old) ? old.filter((m) => !ids.has(m.id)) : []))
    }
    ids.forEach((id) => unconfirmed.delete(id))
  }

  /**
   * Over the cap: fold the oldest raw events into counters, never tier/score/moment messages.
   * Down to 90% of the cap, so a long offline spell adds one rollup per tenth of the cap, not
   * one per event. Rollups already queued are kept as they are (one may be on the server already).
   */
  async function rollUp(chunks: Array<[string, Message[]]>, total: number): Promise<void> {
    const excess = total - Math.floor(maxQueue * 0.9)
    const folded = new Map<string, RollupMessage>()
    const ids = new Set<string>()
    for (const [, list] of chunks) {
      for (const m of list) {
        if (ids.size >= excess) break
        if (m.type !== 'event') continue
        ids.add(m.id)
        const key = m.userId + '\u0000' + m.anonymousId
        let r = folded.get(key)
        if (!r) folded.set(key, (r = { ...m, type: 'rollup', id: crypto.randomUUID(), counts: {}, from: m.at, to: m.at } as unknown as RollupMessage))
        r.counts[m.name] = (r.counts[m.name] || 0) + 1
        r.to = m.at
      }
    }
    if (!ids.size) return
    for (const r of folded.values()) delete (r as unknown as Record<string, unknown>).name, delete (r as unknown as Record<string, unknown>).props
    await remove(chunks, ids)
    await o.kv.set(chunkPrefix + 'r' + o.now().toString(36), [...folded.values()])
    st.rolledUp += ids.size
    o.log.warn(`outbox over ${maxQueue} messages: oldest raw events folded into counts (rolled up so far: ${st.rolledUp})`, 'rollup')
  }

  function batchOf(all: Message[]): Batch {
    const first = all[0]
    const messages: Message[] = []
    let bytes = 200
    for (const m of all) {
      if (messages.length >= limit || !same(m, first)) break
      const b = size(m)
      if (messages.length && bytes + b > maxBytes) break
      bytes += b
      messages.push(m)
    }
    return { sentAt: new Date(o.now()).toISOString(), sdk: { name: 'momentkit', version: o.sdkVersion }, auth: o.auth(first), messages }
  }

  async function loop(): Promise<void> {
    for (;;) {
      // Messages added while the previous request was in flight are picked up in this round.
      await persist()
      if (stopped) return
      let chunks = await load()
      const raw = chunks.reduce((n, [, l]) => n + l.filter((m) => m.type !== 'rollup').length, 0)
      // The cap holds offline too: that is when the queue grows.
      if (raw > maxQueue) {
        await rollUp(chunks, raw)
        chunks = await load()
      }
      const total = chunks.reduce((n, [, l]) => n + l.length, 0)
      st.queued = total
      if (!total || (o.online && !o.online())) return report()
      const batch = batchOf(chunks.flatMap(([, l]) => l))
      const ids = new Set(batch.messages.map((m) => m.id))
      const r = await o.send(batch, false).catch((e) => ({ error: String(e) }))
      if ('status' in r && r.status >= 200 && r.status < 300) {
        await remove(chunks, ids)
        st.sent += ids.size
        attempt = 0
        limit = batchSize
        continue
      }
      if ('status' in r && r.status === 413 && ids.size > 1) {
        limit = Math.max(1, Math.floor(ids.size / 2))
        continue
      }
      if ('status' in r && (r.status === 413 || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429))) {
        await remove(chunks, ids)
        limit = batchSize
        st.dropped += ids.size
        st.lastError = `HTTP ${r.status}`
        o.log.warn(`the endpoint refused ${ids.size} message(s) with HTTP ${r.status}; dropped (dropped so far: ${st.dropped})`, 'drop' + r.status)
        continue
      }
      st.retries++
      st.lastError = 'status' in r ? `HTTP ${r.status}` : r.error
      o.log.debug(`delivery failed (${st.lastError}); retrying`)
      schedule(backoff(attempt++, o.random, o.retryBase ?? 1000, 300_000, 'status' in r ? r.retryAfter : undefined))
      return report()
    }
  }

  function drain(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    if (running) {
      again = true
      return running
    }
    again = false
    const lease = o.lease ?? ((fn: () => Promise<void>) => fn())
    // Store first, outside the lease: another tab may hold it for a while, and stored messages are
    // what that tab (or this one, after a reload) sends.
    running = persist()
      .then(() => lease(loop))
      .catch((e) => {
        st.lastError = String(e)
        o.log.error('delivery error; will retry', e)
        schedule(backoff(attempt++, o.random, o.retryBase ?? 1000))
      })
      .finally(() => {
        running = null
        report()
        if (again && !stopped && !timer) void drain()
      })
    return running
  }

  return {
    add(messages, urgent) {
      if (stopped || !messages.length) return
      pending.push(...messages)
      messages.forEach((m) => unconfirmed.set(m.id, m))
      if (urgent) void drain()
      else if (!timer) schedule(interval)
    },
    drain,
    hide() {
      // Best effort: the page may be gone before the network answers. Anything not confirmed
      // stays stored (or handed over) and is sent again later; the collector deduplicates by id.
      const all = [...unconfirmed.values()]
      if (!all.length) return
      const saved = limit
      limit = batchSize
      const batch = batchOf(all)
      limit = saved
      // Trim a tenth at a time: encoding the batch once per message dropped would stall the page's exit.
      const bytes = o.bytes ?? size
      while (batch.messages.length > 1 && bytes(batch) > KEEPALIVE_BUDGET) batch.messages.length -= Math.ceil(batch.messages.length / 10)
      void o.send(batch, true).catch(() => {})
    },
    takePending() {
      const out = pending
      pending = []
      return out
    },
    stats: () => ({ ...st }),
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
