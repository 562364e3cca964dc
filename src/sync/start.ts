import type { ResolvedConfig } from '../config/types'
import type { CoreDeps } from '../api'
import type { Logger } from '../log'
import { createKV } from '../store/kv'
import type { Identity, Verification } from '../track/identity'
import { VERSION } from '../version'
import { createOutbox, type Outbox } from './outbox'
import { createTransport, encode } from './transport'


/**
 * The outbox as the SDK uses it: its own database, the real transport, one
 * sender across tabs, and each user's identity verification remembered (for
 * the last 20 users) so messages queued before a switch or reset still go
 * out verified.
 */
export function startOutbox(
  config: ResolvedConfig,
  deps: CoreDeps,
  log: Logger,
  now: () => number,
  identity: () => Identity,
  onRemove: (ids: string[]) => void,
  /** Read nothing before it settles: an opt-out's deletion still under way (consent.ts). */
  after: Promise<unknown> = Promise.resolve(),
): Outbox & { remember(i: Identity): void } {
  const { endpoint, delivery, writeKey, namespace } = config
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  const kv = createKV(namespace + '-outbox', log, deps.outboxKv ?? deps.kv, 'outbox')
  let auths: Record<string, Verification> = {}
  void after.then(() => kv.get<Record<string, Verification>>('auth')).then((a) => a && typeof a === 'object' && (auths = { ...a, ...auths }))
  const remember = (i: Identity) => {
    if (!i.userId || !i.auth || JSON.stringify(auths[i.userId]) === JSON.stringify(i.auth)) return
    const { [i.userId]: _, ...rest } = auths
    auths = Object.fromEntries(Object.entries({ ...rest, [i.userId]: i.auth }).slice(-20))
    void kv.set('auth', auths)
  }
  // Runs `fn` holding the cross-tab sender lock (or, with `ifAvailable`, only if nobody holds it); says whether it ran.
  const lock = locks && ((fn: () => Promise<void>, ifAvailable: boolean) => locks.request('momentkit-outbox:' + namespace, { ifAvailable }, (l) => l && fn().then(() => true)).then(Boolean))
  const dropped = (call: string) => log.warn(`a Segment ${call} call over Segment's 32 KB limit was left out`, 'segment-32k')
  const send = deps.send ?? createTransport({ endpoint: endpoint!, format: delivery.format, writeKey: writeKey ?? undefined, timeout: delivery.timeout, now, dropped })
  let failures = 0
  const outbox = createOutbox({
    kv,
    // Failures are retried quietly (offline spells are normal); one that keeps failing says so, once.
    send: async (batch, keepalive) => {
      const r = await send(batch, keepalive)
      // A server error counts as a failure as a network error does (a 429 is the server pacing us, not one).
      const failed = 'error' in r ? r.error : r.status > 499 || r.status === 408 ? 'HTTP ' + r.status : ''
      if (!failed) failures = 0
      else if (!keepalive && ++failures >= 3) log.warn(`delivery to ${endpoint} keeps failing (${failed}); messages stay queued and are retried`, 'delivery-failing')
      return r
    },
    now,
    log,
    sdkVersion: VERSION,
    auth: (m) => {
      remember(identity())
      return { ...(writeKey ? { writeKey } : {}), ...(m.userId ? auths[m.userId] : {}) }
    },
    // One sender at a time across tabs. A tab that finds the lease taken waits for it rather than
    // giving up, so when the sending tab closes (its lock is released) another one carries on.
    lease: lock && ((fn) => lock(fn, false)),
    tryLease: lock && ((fn) => lock(fn, true)),
    online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    // The keepalive budget is 64 KB of body as sent: UTF-8 bytes, Segment's shape when chosen.
    bytes: (b) => new Blob([encode({ format: delivery.format, writeKey: writeKey ?? undefined }, b)]).size,
    // Segment's limit per request (a 400 past it). The collector's 512 KB is kept by `maxBytes` alone.
    maxBody: delivery.format === 'segment' ? 500_000 : undefined,
    batchSize: delivery.batchSize,
    interval: delivery.interval,
    maxQueue: delivery.maxQueue,
    onRemove,
  })
  return Object.assign(outbox, { remember })
}
