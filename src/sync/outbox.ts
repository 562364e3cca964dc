import { compactJson, toJson } from '../json'
import { backoff } from './backoff'
import { fit, KEEPALIVE_BUDGET } from './budget'
import { type Chunk, createChunks, touched } from './chunks'
import { fold, foldEvents } from './rollup'
import type { Outbox, OutboxOptions, OutboxStats } from './outbox-types'
import type { Batch, EventMessage, Message, RollupMessage } from './types'

export type { Outbox, OutboxOptions, OutboxStats, SendResult } from './outbox-types'

/** Key of `notBefore` in the shared store: the Retry-After wait, for every tab and the next page. */
const WAIT = 'wait'
// As sent: without the identity fields the batch carries once (see encode).
const size = (m: Message) => compactJson(m).length
const same = (a: Message, b: Message) => a.userId === b.userId && a.anonymousId === b.anonymousId

export function createOutbox(o: OutboxOptions): Outbox {
  const batchSize = o.batchSize ?? 1000
  // Under the collector's 512 KB and Segment's 500 KB per request, with room for Segment's larger shape:
  // a backlog goes out in few requests (each fetch() costs the page about 1-2 ms of main thread in
  // Chromium, plus about 0.01-0.02 ms per KB of body).
  const maxBytes = o.maxBytes ?? 250_000
  const maxQueue = o.maxQueue ?? 5000
  const interval = o.interval ?? 2000
  const store = createChunks(o.kv, o.now)
  /** Events folded in memory since the last cap check on the store (see foldPending). */
  let prefolded = 0
  let pending: Message[] = []
  /** Messages whose write to the store has not landed yet: handed over at page hide like `pending`. */
  let writing: Message[] = []
  /** Messages this tab knows are not confirmed yet (for the page-hide beacon). */
  const unconfirmed = new Map<string, Message>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  /** Not before then (epoch ms): the server asked to wait (Retry-After). */
  let notBefore = 0
  let limit = batchSize
  let stopped = false
  let running: Promise<void> | null = null
  /** drain() was asked for while a round was running: run another one after it. */
  let again = false
  const st: OutboxStats = { queued: 0, sent: 0, dropped: 0, rolledUp: 0, retries: 0, lastError: null }
  const report = () => o.onStats?.({ ...st })

  /** Ms left of the Retry-After wait, or 0. A wait longer than any kept (an hour): the clock went back, it is over. */
  const waiting = () => {
    const w = notBefore - o.now()
    return w > 0 && w <= 3_600_000 ? w : 0
  }

  const schedule = (ms: number) => {
    clearTimeout(timer)
    if (!stopped) timer = setTimeout(() => void drain(), ms)
  }

  /** Writes pending messages; the parts written, by chunk (none when nothing was pending). */
  async function persist(): Promise<Chunk[]> {
    if (!pending.length) return []
    const batch = (writing = pending)
    pending = []
    try {
      return await store.append(batch)
    } finally {
      writing = []
    }
  }

  async function remove(chunks: Chunk[], ids: Set<string>): Promise<void> {
    await store.remove(chunks, ids)
    ids.forEach((id) => unconfirmed.delete(id))
    // A tab that stored some of these but did not send them still counts them unconfirmed: without this,
    // its page-hide request would send again what was delivered long ago, and leave out what is new.
    o.onRemove?.([...ids])
  }

  const rolled = (n: number) => {
    st.rolledUp += n
    o.log.warn(`outbox over ${maxQueue} messages: oldest raw events folded into counts (rolled up so far: ${st.rolledUp})`, 'rollup')
  }

  /**
   * Over the cap: fold the oldest raw events into counters, never tier/score/moment messages.
   * Down to 90% of the cap, so a long offline spell adds one rollup per tenth of the cap, not
   * one per event. Rollups already queued are kept as they are (one may be on the server already).
   */
  async function rollUp(chunks: Chunk[], total: number): Promise<boolean> {
    const { rollups, ids } = fold(chunks.map(([, l]) => l), total - Math.floor(maxQueue * 0.9))
    if (!ids.size) return false
    await remove(chunks, ids)
    await store.appendRollups(rollups)
    for (const r of rollups) unconfirmed.set(r.id, r)
    rolled(ids.size)
    return true
  }

  /**
   * More raw messages waiting in memory than the cap (a burst of track() calls): the oldest events
   * among them fold now, before they are ever stored. The next round still folds what is stored as
   * if these had been stored with it (see `prefolded`), so exactly the same events end up folded as
   * when everything is stored first: the oldest of stored-then-pending, down to 90% of the cap.
   */
  /** `known`: how many of the pending messages were there before this add (the beacon remembers those). */
  function foldPending(known: number): boolean {
    let raw = 0
    for (const m of pending) if (m.type !== 'rollup') raw++
    if (raw <= maxQueue) return false
    const { rollups, n, end } = fold([pending], raw - Math.floor(maxQueue * 0.9), false)
    for (let i = 0; i < Math.min(end, known); i++) if (pending[i].type === 'event') unconfirmed.delete(pending[i].id)
    const kept: Message[] = pending.slice(0, end).filter((m) => m.type !== 'event')
    pending = kept.concat(pending.slice(end), rollups)
    prefolded += n
    rolled(n)
    return true
  }

  /** The next request: from the head of `lists` (read in order, only as far as the batch goes). */
  function batchOf(lists: Message[][], max = limit): Batch {
    const first = lists[0][0]
    const messages: Message[] = []
    // The head: sentAt, sdk, auth and the messages' common identity fields.
    let bytes = 600
    fill: for (const list of lists) {
      for (const m of list) {
        if (messages.length >= max || !same(m, first)) break fill
        const b = size(m)
        if (messages.length && bytes + b > maxBytes) break fill
        bytes += b
        messages.push(m)
      }
    }
    return { sentAt: new Date(o.now()).toISOString(), sdk: { name: 'momentkit', version: o.sdkVersion }, auth: o.auth(first), messages }
  }

  /** The stored chunks as of the last load, less what this loop removed since (null: load again). */
  let known: Chunk[] | null = null
  const forget = (ids: Set<string>) => {
    const hit = new Set(touched(known!, ids).map(([c]) => c))
    known = known!.map((c): Chunk => (hit.has(c) ? [c[0], c[1].filter((m) => !ids.has(m.id))] : c)).filter(([, l]) => l.length)
  }

  /**
   * Sends what is stored and pending, under the lease. There other tabs only append to the store, each
   * to chunks of its own: what was loaded is still there (less what this loop removed), and what this
   * tab writes is added to it (`merge`) without reading it back. So the queue is read once, not per
   * batch, and a burst's messages are never read back. What other tabs append meanwhile is read once
   * that runs out: the loop ends only on an empty fresh load.
   */
  async function loop(): Promise<void> {
    known = null
    // A wait the server asked of another tab (or of this page before a reload) holds here too: each
    // would otherwise send at once, and a rate-limited endpoint get one request more per open tab.
    const w = await o.kv.get<number>(WAIT)
    if (w! > notBefore) notBefore = w!
    for (;;) {
      // Messages added while the previous request was in flight are picked up in this round.
      if (known) known = store.merge(known, await persist())
      if (stopped) return
      let chunks: Chunk[] | null = known?.length ? known : null
      if (!chunks) {
        chunks = store.merge(await store.load(), await persist())
        const raw = chunks.reduce((n, [, l]) => n + l.filter((m) => m.type !== 'rollup').length, 0)
        // The cap holds offline too: that is when the queue grows. Events folded before they were
        // stored count as if stored (see foldPending).
        // Read again only when something was folded: after a burst folded in memory, what is stored is
        // under the cap already, and reading it back costs as much as writing it did.
        if (raw + prefolded > maxQueue && (await rollUp(chunks, raw))) chunks = await store.load()
        prefolded = 0
        known = chunks
      }
      const total = chunks.reduce((n, [, l]) => n + l.length, 0)
      st.queued = total
      if (!total || (o.online && !o.online())) return report()
      // Not even a tier crossing goes before the time the server asked for (only the app's flush() does).
      // A wait longer than any Retry-After kept (an hour at most): the clock went back, the wait is over.
      const wait = waiting()
      if (wait) return schedule(wait), report()
      const batch = batchOf(chunks.map(([, l]) => l))
      if (o.maxBody && o.bytes) fit(batch, o.maxBody, o.bytes)
      const ids = new Set(batch.messages.map((m) => m.id))
      const r = await o.send(batch, false).catch((e) => ({ error: String(e) }))
      if ('status' in r && r.status >= 200 && r.status < 300) {
        await remove(chunks, ids)
        forget(ids)
        st.sent += ids.size
        attempt = 0
        // A limit a 413 taught stays: going back to the full batch would meet the same 413 every time.
        continue
      }
      if ('status' in r && r.status === 413 && ids.size > 1) {
        limit = Math.max(1, Math.floor(ids.size / 2))
        continue
      }
      if ('status' in r && (r.status === 413 || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429))) {
        // A 400 naming the messages it refused (one dated days ahead, say) costs only those: the rest
        // of the batch, a tier crossing among them, goes in the next request.
        const bad = r.status === 400 && r.rejected?.length && r.rejected.every((i) => batch.messages[i]) ? new Set(r.rejected.map((i) => batch.messages[i].id)) : ids
        await remove(chunks, bad)
        forget(bad)
        limit = batchSize
        st.dropped += bad.size
        st.lastError = `HTTP ${r.status}`
        o.log.warn(`the endpoint refused ${bad.size} message(s) with HTTP ${r.status}; dropped (dropped so far: ${st.dropped})`, 'drop' + r.status)
        continue
      }
      st.retries++
      st.lastError = 'status' in r ? `HTTP ${r.status}` : r.error
      o.log.debug(`delivery failed (${st.lastError}); retrying`)
      const asked = 'status' in r ? r.retryAfter : undefined
      const delay = backoff(attempt++, o.random, o.retryBase ?? 1000, 300_000, asked)
      if (asked !== undefined) await o.kv.set(WAIT, (notBefore = o.now() + delay))
      schedule(delay)
      return report()
    }
  }

  function drain(force?: boolean): Promise<void> {
    // flush(): within that wait too, in every tab (the stored wait goes before the next read of it).
    if (force) (notBefore = 0), void o.kv.del(WAIT)
    clearTimeout(timer)
    timer = undefined
    if (running) {
      again = true
      return running
    }
    again = false
    const lease = o.lease ?? ((fn: () => Promise<void>) => fn())
    // With the lease free (or no other tab to share it with), the loop stores what is pending after
    // loading the queue, and sends it without reading it back. Otherwise store first, outside the
    // lease: another tab may hold it for a while, and stored messages are what that tab (or this one,
    // after a reload) sends.
    const free = o.tryLease ? o.tryLease(loop) : o.lease ? Promise.resolve(false) : loop().then(() => true)
    running = free
      .then(async (ran) => {
        if (!ran) (await persist(), await lease(loop))
      })
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

  /** `add`, with events the caller already rolled up (`n` of them), queued where foldPending would put them. */
  function queue(messages: Message[], urgent: boolean | undefined, folded?: { rollup: RollupMessage; n: number }): void {
    if (stopped || (!messages.length && !folded)) return
    // One at a time: push(...messages) overflows the stack past about 150,000 messages.
    const known = pending.length
    for (const m of messages) pending.push(m)
    if (folded) {
      pending.push(folded.rollup)
      prefolded += folded.n
      rolled(folded.n)
    }
    // Past the cap, only what is left after folding is worth remembering for the page-hide beacon.
    if (pending.length > maxQueue && foldPending(known)) for (const m of pending) unconfirmed.set(m.id, m)
    else {
      for (const m of messages) unconfirmed.set(m.id, m)
      if (folded) unconfirmed.set(folded.rollup.id, folded.rollup)
    }
    // Urgent (a tier crossing): now, but after the storage requests of the task that added it (the
    // crossing's moment claim, which the user is waiting for, goes first).
    if (urgent) void Promise.resolve().then(() => drain())
    else if (!timer) schedule(interval)
  }

  /**
   * How many of `k` raw events added at once `add` would fold at once: as foldPending, the oldest raw
   * events down to 90% of the cap. Only when no raw event is queued in memory (otherwise 0), so those
   * are the oldest of the `k` and fold into one rollup.
   */
  function foldable(k: number): number {
    if (pending.length + k <= maxQueue) return 0
    let raw = 0
    for (const m of pending) {
      if (m.type === 'event') return 0
      if (m.type !== 'rollup') raw++
    }
    return raw + k > maxQueue ? Math.max(0, Math.min(k, raw + k - Math.floor(maxQueue * 0.9))) : 0
  }

  return {
    add: (messages, urgent) => queue(messages, urgent),
    addEvents(events, make) {
      const skip = stopped ? 0 : foldable(events.length)
      const kept: EventMessage[] = []
      for (let i = skip; i < events.length; i++) kept.push(make(events[i]))
      queue(kept, false, skip ? { rollup: foldEvents(events, skip, make), n: skip } : undefined)
    },
    drain,
    removed: (ids) => ids.forEach((id) => unconfirmed.delete(id)),
    hide() {
      // Best effort: the page may be gone before the network answers. Anything not confirmed
      // stays stored (or handed over) and is sent again later; the collector deduplicates by id.
      // Within a Retry-After wait, nothing: it would only be refused again (each page of a site left
      // would send one more request to an endpoint that asked for none), and what is queued stays.
      if (waiting()) return
      const all = [...unconfirmed.values()]
      if (!all.length) return
      const batch = batchOf([all], batchSize)
      fit(batch, KEEPALIVE_BUDGET, o.bytes ?? ((b: Batch) => toJson(b).length))
      void o.send(batch, true).catch(() => {})
    },
    takePending() {
      // Without IndexedDB, what was stored is in this page's memory and goes with it: hand it all over
      // (the collector drops a message it already has). A page may also unload before a write lands.
      const out = o.kv.mode() === 'memory' ? [...unconfirmed.values()] : writing.concat(pending)
      pending = []
      return out
    },
    stats: () => ({ ...st }),
    stop(discard) {
      stopped = true
      clearTimeout(timer)
      // Opt-out: what is not sent yet is not sent at all, not even at page hide.
      if (discard) (pending = []), unconfirmed.clear()
      return running ?? Promise.resolve()
    },
  }
}
