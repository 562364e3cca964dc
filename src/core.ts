import type { ResolvedConfig } from './config/types'
import type { Core, CoreDeps, Events } from './api'
import { createEmitter } from './emitter'
import { createLogger } from './log'
import { score, type ScoreResult } from './score/score'
import { nextTierState, type TierChange } from './score/tier'
import { publish } from './state'
import { type Op, planFor } from './store/aggregate'
import { createKV, type KVOptions } from './store/kv'
import { type Call, createStash } from './store/stash'
import { adoptState, mergeOps, openUserState, type UserState } from './store/userstate'
import { trackOp } from './track/event'
import { watchPage } from './track/page'
import { type Identity, nextIdentity, readIdentity, newIdentity, userKey, type Verification } from './track/identity'
import { explainState, type Explanation } from './explain'
import { eventMessage, identifyMessage, momentMessage, scoreMessage, tierMessage } from './sync/messages'
import type { OutboxOptions } from './sync/outbox'
import { startOutbox } from './sync/start'
import { createMoments, type MomentEvent, type Moments } from './moments'

/**
 * Builds a live instance from a validated config. Use `init` instead: it validates and guards.
 * `replaces`: it takes over from a running instance on this page, which recorded the current page view.
 * `after`: nothing is read or written before it settles (an opt-out's deletion still under way).
 */
export function createInstance(config: ResolvedConfig, deps: CoreDeps = {}, replaces = false, after: Promise<unknown> = Promise.resolve()): Core {
  const log = deps.log ?? createLogger(() => config.debug)
  const now = deps.now ?? Date.now
  const plan = planFor(config.model, config.sessionTimeout)
  const kv = createKV(config.namespace, log, deps.kv)
  const events = createEmitter(log)
  const emit = events.emit
  const ac = new AbortController()
  /** Ops waiting to be applied, and identity calls made while no user state was open, in call order. */
  let inbox: Array<Op | { k: 'call'; c: Call }> = []
  let user: UserState | null = null
  /** A switch of users under way: the user left, and the call that switched. */
  let switching: { prev: UserState | null; c: Call | null } | null = null
  /** The inbox handed over at page hide, taken back if the page is restored from the back/forward cache. */
  let held: typeof inbox = []
  let identity: Identity = newIdentity()
  /**
   * The traits identify()/reset() calls waiting in the inbox will give (plan, entitlements): gate() and
   * targeting answer for the user the page has just named, not the one still loading.
   */
  let ahead: { id: string | null; traits: Record<string, unknown> } | null = null
  let result: ScoreResult | null = null
  let chain: Promise<unknown> = after
  let processTimer: ReturnType<typeof setTimeout> | undefined
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let dead = false
  /** destroy() waiting for the identify()/reset() calls made before the state opened. */
  let closing: Promise<void> | null = null
  const stash = createStash(config.namespace, log)
  let channel: BroadcastChannel | null = null
  let lastScoreAt = 0
  let lastScore = -1
  // Only the tab holding the sending lease removes from the shared outbox: it tells the others.
  const outbox = config.endpoint ? startOutbox(config, deps, log, now, () => identity, (removed) => channel?.postMessage({ removed }), after) : null
  const moments: Moments | null =
    config.moments.length && typeof document !== 'undefined'
      ? createMoments({
          config, kv, log, now,
          identity: () => (ahead ? { ...identity, traits: ahead.traits } : identity),
          result: () => result,
          totals: () => user?.agg().total ?? {},
          tier: () => user?.tier()?.tier ?? null,
          trialEnd: () => user?.agg().trialEnd ?? config.trial.end ?? null,
          record(e) {
            emit('moment', e)
            outbox?.add([momentMessage(identity, config.model.version, e)], e.outcome !== 'shown')
          },
          broadcast: (id) => channel?.postMessage({ moment: id }),
        })
      : null

  const run = (task: () => Promise<unknown> | void) => (chain = chain.then(task).catch((e) => log.error('internal error (the SDK keeps working)', e)))

  function rescore(): void {
    // Destroyed: a reload still in flight must not publish, report or save a tier any more.
    if (!user || dead) return
    const t = now()
    result = score(config.model, user.agg(), t)
    const { state, change } = nextTierState(config.model.tiers, user.tier(), result.score, config.model.hysteresis, result.floorTier, t)
    publish(result, state.tier)
    log.debug(`score ${result.score}, tier ${state.tier}`, result)
    if (outbox && (change || (result.score !== lastScore && t - lastScoreAt >= 60_000))) {
      outbox.add([change ? tierMessage(identity, config.model.version, result, change) : scoreMessage(identity, config.model.version, result, state.tier)], !!change)
      lastScoreAt = t
      lastScore = result.score
    }
    if (change) {
      user.saveTier(state).catch((e) => log.error('could not save the tier', e))
      log.debug(`tier ${change.from ?? '(none)'} -> ${change.to} at score ${change.score}`)
      emit('tier', { ...change, reasons: result.reasons.slice(0, 5) })
      moments?.tier(change.from, change.to)
    }
    emit('score', result)
  }

  function process(): void {
    processTimer = undefined
    // Run from a timer and from page events: an internal error must not reach the page as uncaught.
    try {
      drainInbox()
    } catch (e) {
      log.error('internal error (the SDK keeps working)', e)
    }
  }

  function drainInbox(): void {
    while (user && !dead) {
      const i = inbox.findIndex((x) => x.k === 'call')
      const ops = (i < 0 ? inbox : inbox.slice(0, i)) as Op[]
      inbox = i < 0 ? [] : inbox.slice(i)
      applyOps(ops)
      if (i < 0) return
      // An identify/reset made while no state was open: it runs after the events tracked before it,
      // and the events tracked after it wait for the identity it opens.
      const { c } = inbox.shift() as { c: Call }
      const after = inbox
      inbox = []
      if (c[0] === 'reset') reset()
      else identify(c[1] as string, c[2] as Record<string, unknown>, c[3] as Verification)
      inbox = after.concat(inbox)
      if (!inbox.some((x) => x.k === 'call')) ahead = null
    }
  }

  function sendIdentify(): void {
    const agg = user?.agg()
    outbox?.add([identifyMessage(identity, config.model.version, { start: agg?.trialStart, end: agg?.trialEnd }, now())])
  }

  function applyOps(ops: Op[]): void {
    if (!user) return
    const trial = ops.some((op) => op.k === 'trial')
    // Messages only for the events the outbox keeps: of a burst past its cap, the oldest are just counted.
    outbox?.addEvents(ops.filter((op) => op.k === 'e'), (op) => eventMessage(identity, config.model.version, op.n, op.p, op.t))
    // In slices: the user state spreads its ops into a list, which a big burst would overflow.
    const t = now()
    for (let i = 0; i < ops.length; i += 10_000) user.add(i || ops.length > 10_000 ? ops.slice(i, i + 10_000) : ops, t)
    if (outbox && trial) sendIdentify()
    // Scored first: a moment triggered by one of these events decides on a state that counts it (a signal range).
    rescore()
    if (moments) {
      for (const op of ops) if (op.k === 'e') moments.event(op.n, op.t, op.p)
      // New trial dates change which standing moments (banner, widget) apply.
      if (trial) moments.check()
    }
    if (user.pendingCount() > 2000) flush()
    else if (!flushTimer && user.pendingCount()) flushTimer = setTimeout(flush, 1000)
  }

  function enqueue(op: Op): void {
    inbox.push(op)
    if (!processTimer && user && !dead) processTimer = setTimeout(process, 0)
  }

  function flush(): Promise<void> {
    clearTimeout(flushTimer)
    flushTimer = undefined
    return run(async () => {
      const u = user
      if (!u || !u.pendingCount()) return
      await u.flush(now())
      channel?.postMessage({ saved: u.key })
    }).then(() => {})
  }

  async function open(): Promise<void> {
    user = await openUserState(kv, userKey(identity), plan, now(), (what) => log.warn(`stored ${what} was unreadable; starting fresh`))
    if (dead) return
    await moments?.open(user.key)
    const trial = config.trial
    const agg = user.agg()
    if ((trial.start !== undefined && agg.trialStart === undefined) || (trial.end !== undefined && agg.trialEnd === undefined)) {
      inbox.unshift({ k: 'trial', start: agg.trialStart ?? trial.start, end: agg.trialEnd ?? trial.end })
    }
    // Each page load tells the server who this is and the trial dates it scores against.
    if (outbox) sendIdentify()
    process()
  }

  /**
   * Switches to another identity: writes the old user's pending ops, carries anonymous history over on
   * first identify, and tells the other tabs. `c`: the call that switched, replayed by the next page if
   * this one goes away mid-switch. `followed`: another tab switched (and stored, and carried over); this
   * tab follows, and what it has not written yet of the visitor it named is theirs.
   */
  function switchTo(next: Identity, alias: boolean, c: Call | null, followed = false): void {
    // The old user's last events are theirs; with none left, rescoring would only publish their score again.
    if (inbox.length) process()
    const prev = user
    user = null
    const s = (switching = { prev, c })
    identity = next
    if (!alias) {
      // Someone else: the old user's score, reasons and features are not theirs (explain(), atoms, moment copy).
      result = null
      publish(null, null)
    }
    // A first identify is the same person: what is on screen stays, and a moment their tier
    // crossing triggered a moment ago is not lost with the anonymous identity.
    void moments?.open(null, alias)
    // The person is still here: the new identity starts with activity now.
    if (typeof window !== 'undefined' && !followed) inbox.push({ k: 'a', t: now() })
    run(async () => {
      if (prev && followed && alias) await mergeOps(kv, userKey(next), plan, prev.takePending(), now())
      else if (prev) await prev.flush(now())
      if (!followed) await (alias && prev ? adoptState(kv, prev, userKey(next), plan, now(), next) : kv.update('identity', () => next))
      await open()
      if (switching === s) switching = null
      if (!followed) channel?.postMessage({ identity: 1 })
    })
  }

  /** Another tab named the user, changed their traits or reset: this one follows (it read the identity only at load). */
  function followIdentity(): void {
    run(async () => {
      const next = await kv.get<Identity>('identity')
      // Mid-switch itself (its own call wins, and will tell the others), or destroyed.
      if (!user || dead || !next) return
      // Its verification, for the messages this tab sends for them.
      outbox?.remember(next)
      // The same user: their traits (plan, entitlements) as given there.
      // Standing moments targeted at a plan come and go with it, as in the tab that named them.
      if (userKey(next) === userKey(identity)) (identity = next), moments?.check()
      else switchTo(next, !identity.userId && next.anonymousId === identity.anonymousId, null, true)
    })
  }

  /** The page is going away: hand unsaved work over through localStorage (see store/stash.ts). */
  function pageHide(): void {
    process()
    // Switching users: the user left still has its last ops to write.
    const u = user ?? switching?.prev
    const messages = outbox?.takePending() ?? []
    const ops = u?.takePending() ?? []
    // A write still in flight is dropped if the page unloads before it lands: hand it over too.
    const w = u?.inflight() ?? undefined
    // No user state open (loading, or an identify()/reset() under way, as when a login redirects at
    // once): the next page replays the switch and what waits for it, instead of losing them.
    held = user ? [] : inbox
    const q = held.map((x) => (x.k === 'call' ? x.c : x))
    if (!user && switching?.c) q.unshift(switching.c)
    inbox = []
    if ((ops.length || messages.length || w || q.length) && !stash.write({ key: u?.key ?? '', ops, messages, w, q })) {
      u?.restorePending(ops)
      inbox = held.concat(inbox)
      outbox?.add(messages)
      flush()
    }
    outbox?.hide()
  }

  /** Restored from the back/forward cache: take the hand-over back unless another page merged it. */
  function pageShow(): void {
    const e = stash.take()
    if (!e) return
    const u = user ?? switching?.prev
    if (u && e.key === u.key) u.restorePending(e.ops)
    // The switch finished while the page was away: the user it left is no longer open here, so their
    // last ops (and a write that may not have landed) are stored the way the next page would.
    else if (e.key) run(async () => (e.w && (await mergeOps(kv, e.key, plan, e.w.ops, now(), e.w.id)), mergeOps(kv, e.key, plan, e.ops, now())))
    // The user left by a switch is no longer flushed on its own.
    if (u && u !== user) run(() => u.flush(now()))
    inbox = held.concat(inbox)
    held = []
    outbox?.add(e.messages)
    if (inbox.length && !processTimer && user && !dead) processTimer = setTimeout(process, 0)
  }

  function explain(): Explanation {
    return { ...explainState(config, identity, user, result, kv.mode()), delivery: outbox?.stats() ?? null, moments: moments?.decisions() ?? [] }
  }

  /** Stops at once, writing and sending nothing more; resolves when no write or request is in flight. */
  async function forget(): Promise<void> {
    dead = true
    inbox = []
    if (channel) channel.onmessage = null
    clearTimeout(processTimer)
    clearTimeout(flushTimer)
    clearInterval(minute)
    moments?.destroy()
    ac.abort()
    events.clear()
    publish(null, null)
    user?.takePending()
    channel?.close()
    channel = null
    await Promise.all([chain, outbox?.stop(true)])
  }

  const ready = run(async () => {
    identity = await readIdentity(kv)
    const replay: typeof inbox = []
    for (const e of stash.drain()) {
      if (e.w) await mergeOps(kv, e.key, plan, e.w.ops, now(), e.w.id)
      await mergeOps(kv, e.key, plan, e.ops, now())
      outbox?.add(e.messages)
      for (const x of e.q ?? []) replay.push(Array.isArray(x) ? { k: 'call', c: x } : x)
    }
    // Before this page's own: they came first.
    inbox = replay.concat(inbox)
    await open()
  })
    // identify()/reset() calls made before the state opened switch users in tasks queued meanwhile:
    // ready (the promise and the event) means the user the page named is loaded and scored. Each switch
    // queues the next early call's switch from its own task: wait until one has left a user open.
    .then(async () => {
      // (A state that failed to open leaves none: stop once nothing more is queued.)
      await chain
      for (let c = chain; !user && !dead; c = chain) if ((await c, c === chain)) break
    })
    .then(() => {
      emit('ready', explain())
      void outbox?.drain()
      const preview = typeof location !== 'undefined' && new URLSearchParams(location.search).get('momentkit_preview')
      if (preview) moments?.preview(preview)
    })

  const minute = moments ? setInterval(() => moments.check(), 60_000) : undefined
  if (typeof window !== 'undefined') {
    watchPage(ac.signal, {
      activity: (t) => enqueue({ k: 'a', t }),
      page(path, t) {
        // A URL may be megabytes long (a state blob in the query): kept to what a collector stores as text.
        if (config.trackPages) enqueue({ k: 'e', n: 'page_viewed', p: { path: path.slice(0, 2000) }, t })
        moments?.check()
      },
      gate: moments ? (feature) => moments.gate(feature) : undefined,
      hide: pageHide,
      restore: pageShow,
      hidden: () => (flush(), void outbox?.drain()),
      online: () => void outbox?.drain(),
    }, replaces)
    enqueue({ k: 'a', t: now() })
  }
  if (typeof BroadcastChannel === 'function') {
    channel = new BroadcastChannel('momentkit:' + config.namespace)
    channel.onmessage = (e: MessageEvent) => {
      if (typeof e.data?.moment === 'string') moments?.otherTab(e.data.moment)
      if (Array.isArray(e.data?.removed)) outbox?.removed(e.data.removed)
      if (e.data?.identity) followIdentity()
      const u = user
      if (u && e.data?.saved === u.key) run(() => u.reload(now())).then(() => user === u && rescore())
    }
  }

  /** identify() as called, or replayed once a state is open (made while none was). */
  function identify(userId: unknown, traits?: unknown, verification?: Verification): void {
    // No user state open yet (loading, or switching): run in call order once it is.
    if (!user) {
      const was = ahead ?? { id: identity.userId, traits: identity.traits }
      const t = traits && typeof traits === 'object' ? (traits as Record<string, unknown>) : {}
      ahead = { id: String(userId), traits: String(userId) === was.id ? { ...was.traits, ...t } : { ...t } }
      return void inbox.push({ k: 'call', c: ['identify', userId, traits, verification] })
    }
    const r = nextIdentity(identity, userId, traits, verification, log)
    if (!r) return
    const { next, ops } = r
    outbox?.remember(next)
    const id = next.userId
    if (id === identity.userId) {
      identity = next
      run(() => kv.update('identity', () => next).then(() => channel?.postMessage({ identity: 1 })))
      moments?.check()
      if (!ops.length) sendIdentify()
    } else switchTo(next, identity.userId === null, ['identify', userId, traits, verification])
    ops.forEach(enqueue)
  }

  function reset(): void {
    if (!user) return void ((ahead = { id: null, traits: {} }), inbox.push({ k: 'call', c: ['reset'] }))
    switchTo(newIdentity(), false, ['reset'])
  }

  const api: Core = {
    ready,
    track(name, props, options) {
      const op = dead || closing ? null : trackOp(name, props, options, now(), log)
      if (op) enqueue(op)
    },
    identify: (userId, traits, verification) => void (dead || closing || identify(userId, traits, verification)),
    reset: () => void (dead || closing || reset()),
    async destroy(discard?: boolean) {
      if (dead) return
      // Opt-out (see consent.ts): nothing more is written or sent; what is stored is deleted after.
      if (discard) return forget()
      if (closing) return
      process()
      // Other tabs' news no longer concerns it; the channel stays open to announce its last save.
      if (channel) channel.onmessage = null
      clearInterval(minute)
      moments?.destroy()
      ac.abort()
      events.clear()
      // Destroyed before the stored state opened: what was tracked until then is written once it has,
      // under the user an identify()/reset() made meanwhile named (run first, as they would have).
      if (!user && inbox.some((x) => x.k === 'call')) {
        await (closing = ready)
        // Opted out meanwhile.
        if (dead) return
        process()
      }
      dead = true
      if (!user && inbox.length) await ready
      clearTimeout(processTimer)
      publish(null, null)
      const left = inbox.filter((x): x is Op => x.k !== 'call')
      inbox = []
      if (user && left.length) {
        outbox?.addEvents(left.filter((op) => op.k === 'e'), (op) => eventMessage(identity, config.model.version, op.n, op.p, op.t))
        user.add(left, now())
      }
      await flush()
      await outbox?.drain()
      outbox?.stop()
      channel?.close()
      channel = null
    },
    explain,
    on: events.on,
    flush: () => (process(), flush().then(() => outbox?.drain(true))),
    gate: (feature) => (typeof feature === 'string' && moments ? moments.gate(feature) : true),
    preview: (id) => !!moments?.preview(id),
    action: (name, fn) => typeof fn === 'function' && moments?.action(name, fn),
  }
  return api
}

