import type { ResolvedConfig } from '../config/types'
import type { CoreDeps } from '../api'
import type { Logger } from '../log'
import { createKV } from '../store/kv'
import type { Identity } from '../track/identity'
import { VERSION } from '../version'
import { createOutbox, type Outbox } from './outbox'
import { createTransport } from './transport'


export function startOutbox(config: ResolvedConfig, deps: CoreDeps, log: Logger, now: () => number, identity: () => Identity): Outbox {
  const { endpoint, delivery, writeKey, namespace } = config
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return createOutbox({
    kv: createKV(namespace + '-outbox', log, deps.outboxKv ?? deps.kv, 'outbox'),
    send: deps.send ?? createTransport({ endpoint: endpoint!, format: delivery.format, writeKey: writeKey ?? undefined, now }),
    now,
    log,
    sdkVersion: VERSION,
    // Only the current user's verification is known; older users' batches go without it.
    auth: (m) => {
      const i = identity()
      return { ...(writeKey ? { writeKey } : {}), ...(m.userId && m.userId === i.userId ? i.auth : {}) }
    },
    // One sender across tabs: the others only append to the shared outbox.
    lease: locks ? (fn) => locks.request('momentkit-outbox:' + namespace, { ifAvailable: true }, (lock) => (lock ? fn() : undefined)) : undefined,
    online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
    batchSize: delivery.batchSize,
    interval: delivery.interval,
    maxQueue: delivery.maxQueue,
  })
}
