import { describe, expect, it } from 'vitest'
import type { Io } from '../../src/cli/io'
import { progressBar } from '../../src/cli/progress'

const io = (tty: boolean) => {
  const err: string[] = []
  const x: Io = { out: () => {}, err: (t) => void err.push(t), tty, cwd: '.' }
  return { x, err }
}

describe('progressBar', () => {
  it('is silent when stderr is not a terminal, or when disabled', () => {
    for (const [tty, on] of [[false, true], [true, false]]) {
      const { x, err } = io(tty)
      const p = progressBar(x, on, () => 0)
      p.phase('reading', 100)
      p.update(50, 1000)
      p.end()
      expect(err).toEqual([])
    }
  })

  it('draws at most ten times a second with percent, rate and ETA, and clears the line at the end', () => {
    const { x, err } = io(true)
    let now = 0
    const p = progressBar(x, true, () => now)
    p.phase('1/3 reading events', 1000)
    now = 2000
    p.update(250, 50_000)
    now = 2050
    p.update(300, 60_000) // too soon: not drawn
    now = 4000
    p.update(500, 100_000)
    p.end()
    expect(err).toHaveLength(3)
    expect(err[0]).toContain('1/3 reading events')
    expect(err[0]).toContain('25%')
    expect(err[0]).toContain('50k events 25k/s ETA 6s')
    expect(err[1]).toContain('50%')
    expect(err[2]).toBe('\r\x1b[2K')
  })
})
