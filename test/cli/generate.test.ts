import { describe, expect, it } from 'vitest'
import { DECOYS, generateCohort, LEAKS } from '../../src/cli/generate'

function cohort(users: number, seed: number) {
  const events: string[] = []
  const labels: string[] = []
  const r = generateCohort({ users, seed }, { event: (l) => events.push(l), label: (l) => labels.push(l) })
  return { r, events, labels }
}

describe('generateCohort', () => {
  const a = cohort(1000, 5)
  const rows = a.events.map((l) => JSON.parse(l) as { userId: string; name: string; timestamp: string })
  const labels = a.labels.slice(1).map((l) => l.trim().split(','))

  it('is deterministic for a seed and differs across seeds', () => {
    const [x, y] = [cohort(300, 5), cohort(300, 5)]
    expect(y.events.join('')).toBe(x.events.join(''))
    expect(y.labels.join('')).toBe(x.labels.join(''))
    expect(x.events.join('')).toBe(a.events.slice(0, x.events.length).join(''))
    expect(cohort(300, 6).events.join('')).not.toBe(x.events.join(''))
  }, 20_000)

  it('has a minority converting and mostly shallow users', () => {
    expect(a.r.converters / a.r.users).toBeGreaterThan(0.06)
    expect(a.r.converters / a.r.users).toBeLessThan(0.16)
    expect(labels.filter((l) => l[1] === 'yes')).toHaveLength(a.r.converters)
    // Active days in each user's first 14 days: most users come back rarely, if at all.
    const first = new Map<string, number>()
    for (const e of rows) if (!first.has(e.userId)) first.set(e.userId, Date.parse(e.timestamp))
    const days = new Map<string, Set<string>>()
    for (const e of rows) if (Date.parse(e.timestamp) < first.get(e.userId)! + 14 * 86_400_000) (days.get(e.userId) ?? days.set(e.userId, new Set()).get(e.userId)!).add(e.timestamp.slice(0, 10))
    const counts = [...days.values()].map((s) => s.size).sort((x, y) => x - y)
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThanOrEqual(2)
    expect(counts.filter((c) => c >= 5).length / counts.length).toBeGreaterThan(0.1)
  })

  it('writes each user\'s events grouped and in time order, in the SDK event shape', () => {
    expect(Object.keys(rows[0]).sort()).toEqual(expect.arrayContaining(['name', 'timestamp', 'userId']))
    let disorder = 0
    const done = new Set<string>()
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].userId === rows[i - 1].userId) disorder += rows[i].timestamp < rows[i - 1].timestamp ? 1 : 0
      else disorder += done.has(rows[i].userId) ? 1 : (done.add(rows[i - 1].userId), 0)
    }
    expect(disorder).toBe(0)
    const names = new Set(rows.map((r) => r.name))
    for (const d of DECOYS) expect(names.has(d), d).toBe(true)
  })

  it('sends post-conversion events only after the conversion time; some converters lack a convertedAt', () => {
    const at = new Map(labels.filter((l) => l[1] === 'yes').map((l) => [l[0], l[2]]))
    const upgraded = new Map(rows.filter((r) => r.name === 'upgraded').map((r) => [r.userId, r.timestamp]))
    expect(upgraded.size).toBe(a.r.converters)
    const early = rows.filter((r) => (LEAKS as readonly string[]).includes(r.name) && r.timestamp < upgraded.get(r.userId)!)
    expect(early).toEqual([])
    expect(rows.some((r) => r.name === LEAKS[0])).toBe(true)
    const missing = [...at.values()].filter((t) => !t).length
    expect(missing).toBeGreaterThan(0)
    expect(missing).toBeLessThan(at.size * 0.1)
    for (const [u, t] of at) if (t) expect(t).toBe(upgraded.get(u))
  })
})
