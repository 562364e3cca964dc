import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/log'
import { newIdentity, nextIdentity } from '../../src/track/identity'
import { checkName, trackOp } from '../../src/track/event'

function logger() {
  const warnings: string[] = []
  return { log: { ...createLogger(() => false), warn: (m: string) => void warnings.push(m) }, warnings }
}

describe('identify() user ids', () => {
  // identify(Number(user.id)) or parseInt(...) of a missing id gave the user "NaN": every such visitor
  // became one person, with each one's anonymous history carried over into it.
  it.each([[NaN], [Infinity], [-Infinity]])('refuses the number %s with a warning', (id) => {
    const { log, warnings } = logger()
    expect(nextIdentity(newIdentity(), id, {}, undefined, log)).toBeNull()
    expect(warnings).toEqual([expect.stringContaining('identify() dropped: userId must be')])
  })
  it('takes a finite number as its string', () => {
    const { log } = logger()
    expect(nextIdentity(newIdentity(), 42, {}, undefined, log)?.next.userId).toBe('42')
  })
})

// A lone surrogate (a string cut in the middle of an emoji: name.slice(0, 40)) is written by
// JSON.stringify as "\ud83d", which PostgreSQL's jsonb refuses: the collector answers 500 for the
// whole batch, and the SDK retries it for ever, tier crossings included. Props were checked for it;
// the event name and the identity fields on every message were not.
describe('lone surrogates in names and ids', () => {
  const cut = '🚀 launch'.slice(0, 1) // '\ud83d'
  it('track(): an event name with a lone surrogate is refused', () => {
    expect(checkName('template:' + cut)).toContain('lone surrogate')
    const { log, warnings } = logger()
    expect(trackOp('template:' + cut, undefined, undefined, Date.now(), log)).toBeNull()
    expect(warnings).toEqual([expect.stringContaining('track() dropped: event name has a lone surrogate')])
    expect(trackOp('template:🚀', undefined, undefined, Date.now(), log)).not.toBeNull()
  })
  it('identify(): a userId with one is refused, as traits with one (accountId included) are', () => {
    const { log, warnings } = logger()
    expect(nextIdentity(newIdentity(), 'user ' + cut, {}, undefined, log)).toBeNull()
    expect(nextIdentity(newIdentity(), 'u1', { accountId: 'Acme ' + cut }, undefined, log)).toBeNull()
    expect(warnings).toEqual([expect.stringContaining('identify() dropped: userId'), expect.stringContaining('traits .accountId has a lone surrogate')])
    expect(nextIdentity(newIdentity(), 'user 🚀', { accountId: 'Acme 🚀' }, undefined, log)?.next).toMatchObject({ userId: 'user 🚀', accountId: 'Acme 🚀' })
  })
})
