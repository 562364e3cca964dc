import 'fake-indexeddb/auto'
import { createStore } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { createKV } from '../../src/store/kv'
import { newIdentity, nextIdentity, readIdentity } from '../../src/track/identity'

function logger() {
  const warnings: string[] = []
  return { log: { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }, warnings }
}

describe('nextIdentity', () => {
  // Every message of the user carries the account id; the payload schema takes 1-1000 characters.
  it.each([[''], ['   '], ['a'.repeat(1001)]])('ignores accountId %j with a warning: null for a new user, unchanged for the same one', (accountId) => {
    const { log, warnings } = logger()
    const r = nextIdentity(newIdentity(), 'u1', { accountId }, undefined, log)!
    expect(r.next.accountId).toBeNull()
    expect(warnings).toEqual([expect.stringContaining('traits.accountId must be a non-empty string of at most 1000 characters')])
    const again = nextIdentity({ ...r.next, accountId: 'acme' }, 'u1', { accountId }, undefined, log)!
    expect(again.next.accountId).toBe('acme')
  })

  it('merges the traits of the same user, and keeps them within 16 KB: past it, the new ones replace the old', () => {
    const { log, warnings } = logger()
    let i = nextIdentity(newIdentity(), 'u1', { plan: 'trial', seats: 3 }, undefined, log)!.next
    i = nextIdentity(i, 'u1', { plan: 'pro' }, undefined, log)!.next
    expect(i.traits).toEqual({ plan: 'pro', seats: 3 })
    // Many calls, each with a new 1 KB trait: the traits would grow without end.
    for (let k = 0; k < 40; k++) i = nextIdentity(i, 'u1', { ['note' + k]: 'x'.repeat(1000) }, undefined, log)!.next
    expect(JSON.stringify(i.traits).length).toBeLessThanOrEqual(16_384)
    expect(i.traits).toHaveProperty('note39')
    expect(warnings.some((w) => w.includes('traits grew past 16 KB'))).toBe(true)
  })

  it('takes an accountId of 1 to 1000 characters, and a number as its string', () => {
    const { log, warnings } = logger()
    expect(nextIdentity(newIdentity(), 'u1', { accountId: 'a'.repeat(1000) }, undefined, log)!.next.accountId).toBe('a'.repeat(1000))
    expect(nextIdentity(newIdentity(), 'u1', { accountId: 42 }, undefined, log)!.next.accountId).toBe('42')
    expect(warnings).toEqual([])
  })

  it('refuses a userId the schema refuses (empty, blank, over 200 characters)', () => {
    const { log } = logger()
    for (const id of ['', ' ', 'u'.repeat(201)]) expect(nextIdentity(newIdentity(), id, {}, undefined, log)).toBeNull()
    expect(nextIdentity(newIdentity(), 'u'.repeat(200), {}, undefined, log)).not.toBeNull()
  })

  it('leaves out an empty userHash or jwt (the schema takes 1-4096 characters)', () => {
    const { log } = logger()
    const r = nextIdentity(newIdentity(), 'u1', {}, { userHash: '', jwt: '' }, log)!
    expect(r.next.auth).toEqual({ userHash: undefined, jwt: undefined })
  })
})

describe('readIdentity', () => {
  it('drops an empty account id stored by an earlier version', async () => {
    const { log } = logger()
    const kv = createKV('x', log, { store: createStore('identity-test-1', 'state') })
    await kv.set('identity', { anonymousId: 'a1', userId: 'u1', accountId: '', traits: { accountId: '' } })
    expect(await readIdentity(kv)).toMatchObject({ anonymousId: 'a1', userId: 'u1', accountId: null })
  })
})
