import 'fake-indexeddb/auto'
import { createStore, type UseStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../src/config/validate'
import { createInstance } from '../src/core'
import type { Logger } from '../src/log'
import { traitsOps } from '../src/track/identity'

// A login page calls identify() and navigates at once. Whatever instant the page dies at, the next
// page must find the anonymous history under the user (or still under the visitor, to adopt again).
describe('the first identify() and a page that goes away', () => {
  it('writes the identity and the adopted history in one transaction', async () => {
    const r = resolveConfig({ namespace: 'identify-unload' })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const db = createStore('identify-unload-db', 'state')
    // Every IndexedDB call after the one that names the user never answers: the page is gone.
    let gone = false
    const dying: UseStore = (mode, cb) => {
      if (gone) return new Promise(() => {})
      let named = false
      return db(mode, (st) => {
        const put = st.put.bind(st)
        st.put = (v: unknown, k?: IDBValidKey) => ((named ||= k === 'identity' && (v as { userId?: string }).userId === 'u1'), put(v, k))
        return cb(st)
      }).then((x) => ((gone ||= named), x))
    }
    const page = createInstance(r.config, { kv: { store: dying } })
    await page.ready
    for (let i = 0; i < 3; i++) page.track('teammate_invited')
    await page.flush()
    page.identify('u1')
    for (let i = 0; i < 200 && !gone; i++) await new Promise((res) => setTimeout(res, 5))
    expect(gone).toBe(true)

    const next = createInstance(r.config, { kv: { store: db } })
    await next.ready
    expect(next.explain().user.userId).toBe('u1')
    expect(next.explain().signals.teammates_invited.value).toBe(3)
    await next.destroy()
  })
})

describe('a returning user: identify(), reset(), then identify() again', () => {
  it('counts what they did logged out, once, and keeps what was theirs', async () => {
    const r = resolveConfig({ namespace: 'identify-returning' })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    const mk = createInstance(r.config)
    await mk.ready
    mk.identify('u1')
    mk.track('teammate_invited')
    mk.track('teammate_invited')
    await mk.flush()
    mk.reset()
    mk.track('teammate_invited')
    await mk.flush()
    mk.identify('u1')
    await mk.flush()
    await mk.ready
    await new Promise((res) => setTimeout(res, 20))
    expect(mk.explain().signals.teammates_invited.value).toBe(3)
    await mk.destroy()

    const next = createInstance(r.config)
    await next.ready
    expect(next.explain().user.userId).toBe('u1')
    expect(next.explain().signals.teammates_invited.value).toBe(3)
    await next.destroy()
  })
})

describe('the paying trait', () => {
  it('warns when it is not a boolean ("true" as a string would leave the plan to decide), and not when it is', () => {
    const warned: string[] = []
    const log = { warn: (m: string) => void warned.push(m), error: () => {}, debug: () => {} } as unknown as Logger
    for (const paying of [true, false, undefined]) traitsOps({ paying }, log)
    expect(warned).toEqual([])
    traitsOps({ paying: 'true' }, log)
    expect(warned).toEqual(['identify(): traits.paying is not true or false; the plan decides who pays'])
  })
})
