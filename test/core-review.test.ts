import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Explanation } from '../src/explain'
import type { Instance } from '../src/api'
import { init } from '../src/init'

let mk: Instance | null = null
let n = 0
afterEach(async () => {
  await mk?.destroy()
  mk = null
})

describe('ready after several early identity calls', () => {
  // Regression test: ready waited for the tasks queued when the state opened, but the second switch is
  // queued by the first one's task, so ready resolved (and 'ready' fired) with no user state open.
  it('waits for every identify()/reset() made before the stored state had loaded', async () => {
    mk = init({ namespace: 'core-review-' + n++ })
    mk.identify('first-user', { plan: 'free' })
    mk.identify('second-user', { plan: 'pro' })
    const events: Explanation[] = []
    mk.on('ready', (x) => events.push(x))
    await mk.ready
    expect(mk.explain()).toMatchObject({ ready: true, user: { userId: 'second-user' } })
    expect(mk.explain().score).not.toBeNull()
    expect(events.map((x) => [x.ready, x.user.userId])).toEqual([[true, 'second-user']])
  })

  it('and a reset() after an early identify() too', async () => {
    mk = init({ namespace: 'core-review-' + n++ })
    mk.identify('leaving-user')
    mk.reset()
    await mk.ready
    expect(mk.explain()).toMatchObject({ ready: true, user: { userId: null } })
  })
})

describe('destroy() before the stored state opened', () => {
  // Regression test: the early identify() was dropped and the events tracked after it were written
  // to the anonymous visitor (React StrictMode mounts, unmounts and mounts again at once).
  it('writes the events tracked after an early identify() to the user it named', async () => {
    const ns = 'core-review-' + n++
    const first = init({ namespace: ns })
    first.identify('strict-user')
    for (let i = 0; i < 4; i++) first.track('feature_used', { feature: 'f' + i })
    await first.destroy()
    mk = init({ namespace: ns })
    await mk.ready
    expect(mk.explain().user.userId).toBe('strict-user')
    expect(mk.explain().score).toBeGreaterThan(0)
  })
})
