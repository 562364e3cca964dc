import type { Core, CoreDeps, Events, Instance } from './api'
import type { ResolvedConfig } from './config/types'
import type { Logger } from './log'
import { createKV } from './store/kv'
import { createStash } from './store/stash'

export type Consent = 'granted' | 'denied' | 'pending'

const storage = (): Storage | null => {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** The choice this device remembers for the namespace, if any. */
export function readConsent(namespace: string): 'granted' | 'denied' | null {
  try {
    const v = storage()?.getItem(`momentkit:${namespace}:consent`)
    return v === 'granted' || v === 'denied' ? v : null
  } catch {
    return null
  }
}

/** Keeps the choice on the device; where localStorage is blocked it holds for the page (a warning says so). */
function remember(namespace: string, c: 'granted' | 'denied', log: Logger): void {
  try {
    storage()?.setItem(`momentkit:${namespace}:consent`, c)
  } catch {
    log.warn('localStorage is unavailable: the consent choice holds for this page only', 'consent')
  }
}

/**
 * A deletion started and not yet done, kept in localStorage (written synchronously): a page that
 * goes away meanwhile (a consent banner that reloads on "Reject", a deletion waiting for a delivery
 * in flight) leaves it to the next page of the namespace, which does it before anything opens.
 * `on` undefined: only reads the mark.
 */
function wipeMark(namespace: string, on?: boolean): boolean {
  const k = `momentkit:${namespace}:wiping`
  try {
    const s = storage()
    if (on) s?.setItem(k, '1')
    else if (on === false) s?.removeItem(k)
    return s?.getItem(k) === '1'
  } catch {
    // Blocked: the deletion holds for this page only, as the choice does.
    return false
  }
}

/**
 * Deletes what MomentKit keeps on this device for the namespace: state, delivery queue, page-hide
 * hand-overs. `outbox` false: the config delivers nothing (unknown without a config: cleared too).
 */
export async function wipe(namespace: string, outbox: boolean, deps: CoreDeps, log: Logger): Promise<void> {
  createStash(namespace, log).clear()
  await Promise.all([
    createKV(namespace, log, deps.kv).clear(),
    outbox && createKV(namespace + '-outbox', log, deps.outboxKv ?? deps.kv, 'outbox').clear(),
  ])
}

/**
 * The deletion an optOut() started, per namespace: a core optIn() starts meanwhile (also in an
 * instance init() made with another config) opens nothing before it is done.
 */
const wipes = new Map<string, Promise<void>>()

const locks = (): LockManager | undefined => globalThis.navigator?.locks
const lockName = (namespace: string) => `momentkit:${namespace}:consent`

/**
 * Queues the deletion after the namespace's earlier one (and `before`, a core stopping). Across tabs
 * it holds the namespace's Web Lock, which a core takes (shared) before it reads anything: a tab that
 * opts in again right after opting out opens nothing before the deletion is done, in whichever tab.
 */
function queueWipe(namespace: string, before: unknown, run: () => Promise<unknown>): Promise<void> {
  const prev = wipes.get(namespace)
  const go = () => Promise.all([prev, before]).catch(() => {}).then(run).then(() => {})
  const l = locks()
  // Where Web Locks refuse (an opaque origin), the deletion runs without them (after a failed one, again).
  const w = l ? l.request(lockName(namespace), go).catch(go) : go()
  wipes.set(namespace, w)
  return w
}

/** The deletion an opt-out asks for: marked first, so that it is done even if this page goes away before. */
function optOutWipe(namespace: string, before: unknown, run: () => Promise<unknown>): Promise<void> {
  wipeMark(namespace, true)
  return queueWipe(namespace, before, () => run().then(() => wipeMark(namespace, false)))
}

/** A deletion a page that went away left undone: done first (once, whichever page of the namespace comes first). */
function resumeWipe(namespace: string, deps: CoreDeps, log: Logger): void {
  if (wipeMark(namespace)) void queueWipe(namespace, null, () => (wipeMark(namespace) ? wipe(namespace, true, deps, log).then(() => wipeMark(namespace, false)) : Promise.resolve()))
}

/** Settles once this page's deletions and, across tabs, those requested before it are done. */
function afterWipes(namespace: string): Promise<unknown> {
  const l = locks()
  const across = l ? l.request(lockName(namespace), { mode: 'shared' }, () => {}).catch(() => {}) : null
  return Promise.all([Promise.resolve(wipes.get(namespace)).catch(() => {}), across])
}

/**
 * The choice where no config can start MomentKit (the data-config URL failed, the config is
 * invalid): the person's refusal must still be kept, and what an earlier page stored deleted, so
 * that the next page (whose config loads) honours it. An opt-in is kept as well: the person agreed.
 */
export function consentOnly(namespace: string, log: Logger): Pick<Instance, 'optIn' | 'optOut'> {
  return {
    optIn: () => remember(namespace, 'granted', log),
    optOut() {
      remember(namespace, 'denied', log)
      log.warn(`opted out before MomentKit could start: kept in namespace "${namespace}"`)
      return optOutWipe(namespace, null, () => wipe(namespace, true, {}, log))
    },
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = { type: keyof Events; fn: (p: any) => void; off: () => void }

/**
 * The instance the page gets: the running core while the person consents, an idle one (nothing
 * tracked, stored, sent or shown) while consent is pending or refused. Listeners and CTA actions
 * registered at any time carry over to the core optIn() starts. The choice is kept in localStorage
 * (read synchronously, so nothing opens before it is known) and reaches other tabs by its `storage`
 * event; where localStorage is blocked it lasts for the page.
 */
export function withConsent(
  config: ResolvedConfig, deps: CoreDeps, log: Logger, start: (after: Promise<unknown>) => Core, idle: Core,
): Instance {
  const key = `momentkit:${config.namespace}:consent`
  let consent: Consent = readConsent(config.namespace) ?? (config.requireConsent ? 'pending' : 'granted')
  let live: Core | null = null
  let ended = false
  const listeners: Listener[] = []
  const actions = new Map<string, () => void>()
  /**
   * identify() calls made while idle, since the last reset(): who the user is, kept in memory only
   * (nothing is stored or sent), so that the core optIn() starts names them (their plan, their id).
   */
  let named: unknown[][] = []
  const api = {} as Instance

  function use(core: Core): void {
    // Straight to the core's own methods: track() costs no more behind consent.
    api.track = core.track
    api.identify = core === idle ? (...a: unknown[]) => void (named = named.slice(-9).concat([a])) : core.identify
    api.reset = core === idle ? () => void (named = []) : core.reset
    api.flush = core.flush
    api.gate = core.gate
    api.preview = core.preview
    api.ready = core.ready
    api.explain = () => ({ ...core.explain(), consent })
    for (const l of listeners) (l.off(), (l.off = core.on(l.type, l.fn)))
    actions.forEach((fn, name) => core.action(name, fn))
  }

  function choose(c: 'granted' | 'denied'): void {
    consent = c
    remember(config.namespace, c, log)
  }

  /**
   * Stops the running core without writing anything more, then deletes what is stored. `followed`:
   * another tab opted out (and deletes too); this one deletes what it may have written since only if
   * the choice still is a refusal by then: the person may have opted in again, and stored since.
   */
  function stop(followed = false): Promise<void> {
    const core = live
    live = null
    use(idle)
    const ns = config.namespace
    if (!followed) return optOutWipe(ns, core?.destroy(true), () => wipe(ns, !!config.endpoint, deps, log))
    return queueWipe(ns, core?.destroy(true), () => (readConsent(ns) !== 'granted' ? wipe(ns, !!config.endpoint, deps, log) : Promise.resolve()))
  }

  function begin(): void {
    if (live || ended) return
    live = start(afterWipes(config.namespace))
    use(live)
    for (const a of named) (live.identify as (...a: unknown[]) => void)(...a)
    named = []
  }

  // Another tab chose: follow it. That tab deletes the stored data too; this one stops writing first.
  const onStorage = (e: StorageEvent) => {
    if (e.key !== key || ended) return
    if (e.newValue === 'denied' && consent !== 'denied') (consent = 'denied'), void stop(true)
    else if (e.newValue === 'granted' && consent !== 'granted') (consent = 'granted'), begin()
  }
  if (typeof window !== 'undefined') window.addEventListener('storage', onStorage)

  api.on = (type, fn) => {
    const l: Listener = { type, fn, off: (live ?? idle).on(type, fn) }
    listeners.push(l)
    return () => {
      l.off()
      const i = listeners.indexOf(l)
      if (i >= 0) listeners.splice(i, 1)
    }
  }
  api.action = (name, fn) => {
    if (typeof fn !== 'function') return
    actions.set(name, fn)
    live?.action(name, fn)
  }
  // After destroy() the choice still counts: it is remembered (and an opt-out deletes what is stored).
  api.optIn = () => {
    choose('granted')
    begin()
  }
  api.optOut = () => {
    choose('denied')
    log.debug('opted out: tracking, delivery and moments stopped; stored data deleted')
    return stop()
  }
  api.destroy = () => {
    ended = true
    if (typeof window !== 'undefined') window.removeEventListener('storage', onStorage)
    const core = live
    live = null
    use(idle)
    return core ? core.destroy() : Promise.resolve()
  }

  resumeWipe(config.namespace, deps, log)
  if (consent === 'granted') begin()
  else use(idle)
  return api
}
