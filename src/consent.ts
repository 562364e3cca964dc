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

/** Deletes what MomentKit keeps on this device for the namespace: state, delivery queue, page-hide hand-overs. */
export async function wipe(config: ResolvedConfig, deps: CoreDeps, log: Logger): Promise<void> {
  createStash(config.namespace, log).clear()
  await Promise.all([
    createKV(config.namespace, log, deps.kv).clear(),
    config.endpoint ? createKV(config.namespace + '-outbox', log, deps.outboxKv ?? deps.kv, 'outbox').clear() : null,
  ])
}

/**
 * The deletion an optOut() started, per namespace: a core optIn() starts meanwhile (also in an
 * instance init() made with another config) opens nothing before it is done.
 */
const wipes = new Map<string, Promise<void>>()

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
  const api = {} as Instance

  function use(core: Core): void {
    // Straight to the core's own methods: track() costs no more behind consent.
    api.track = core.track
    api.identify = core.identify
    api.reset = core.reset
    api.flush = core.flush
    api.gate = core.gate
    api.preview = core.preview
    api.ready = core.ready
    api.explain = () => ({ ...core.explain(), consent })
    for (const l of listeners) (l.off(), (l.off = core.on(l.type, l.fn)))
    actions.forEach((fn, name) => core.action(name, fn))
  }

  function remember(c: 'granted' | 'denied'): void {
    consent = c
    try {
      storage()?.setItem(key, c)
    } catch {
      log.warn('localStorage is unavailable: the consent choice holds for this page only', 'consent')
    }
  }

  /** Stops the running core without writing anything more, then deletes what is stored. */
  function stop(): Promise<void> {
    const core = live
    live = null
    use(idle)
    const w = Promise.all([wipes.get(config.namespace), core?.destroy(true)]).catch(() => {}).then(() => wipe(config, deps, log))
    wipes.set(config.namespace, w)
    return w
  }

  function begin(): void {
    if (live || ended) return
    live = start(Promise.resolve(wipes.get(config.namespace)).catch(() => {}))
    use(live)
  }

  // Another tab chose: follow it. That tab deletes the stored data too; this one stops writing first.
  const onStorage = (e: StorageEvent) => {
    if (e.key !== key || ended) return
    if (e.newValue === 'denied' && consent !== 'denied') (consent = 'denied'), void stop()
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
    remember('granted')
    begin()
  }
  api.optOut = () => {
    remember('denied')
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

  if (consent === 'granted') begin()
  else use(idle)
  return api
}
