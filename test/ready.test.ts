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

// README's npm example: init, identify at once, then await ready and read explain().
describe('ready', () => {
  it('waits for an identify() made before the stored state had loaded', async () => {
    mk = init({ namespace: 'ready-test-' + n++ })
    mk.identify('user-42', { accountId: 'acme', plan: 'pro' })
    const events: Explanation[] = []
    mk.on('ready', (x) => events.push(x))
    await mk.ready
    const x = mk.explain()
    expect(x.ready).toBe(true)
    expect(x.user).toMatchObject({ userId: 'user-42', accountId: 'acme' })
    expect(x.score).not.toBeNull()
    expect(events).toHaveLength(1)
    expect(events[0].user.userId).toBe('user-42')
  })

  it('waits for a reset() made before the stored state had loaded, too', async () => {
    const ns = 'ready-test-' + n++
    mk = init({ namespace: ns })
    mk.identify('user-1')
    await mk.ready
    await mk.destroy()
    mk = init({ namespace: ns })
    mk.reset()
    await mk.ready
    expect(mk.explain()).toMatchObject({ ready: true, user: { userId: null } })
  })
})
