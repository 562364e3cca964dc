import type { Io } from './io'

export interface Progress {
  /** Starts a phase: `total` units (bytes, partitions); 0 when unknown. */
  phase(label: string, total: number): void
  /** Units done so far in this phase, and a count to show (events read). */
  update(done: number, count?: number): void
  /** Clears the bar. */
  end(): void
}

const WIDTH = 24
const fmt = (n: number) => (n >= 1e6 ? (n / 1e6).toFixed(1) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(0) + 'k' : String(Math.round(n)))

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second.
 * Silent when stderr is not a terminal (CI logs, pipes) or when disabled.
 */
export function progressBar(io: Io, enabled = true, clock: () => number = Date.now): Progress {
  if (!enabled || !io.tty) return { phase() {}, update() {}, end() {} }
  let label = ''
  let total = 0
  let started = 0
  let last = 0
  let drawn = false
  return {
    phase(l, t) {
      label = l
      total = t
      started = clock()
      last = 0
    },
    update(done, count) {
      const now = clock()
      if (now - last < 100) return
      last = now
      const secs = (now - started) / 1000
      const f = total ? Math.min(1, done / total) : 0
      const bar = total ? '█'.repeat(Math.round(f * WIDTH)).padEnd(WIDTH, '░') : ''
      const rate = count !== undefined && secs > 0.5 ? ` ${fmt(count / secs)}/s` : ''
      const eta = total && f > 0.02 && f < 1 ? ` ETA ${Math.ceil((secs / f) * (1 - f))}s` : ''
      const what = count !== undefined ? ` ${fmt(count)} events` : ''
      io.err(`\r\x1b[2K${label} ${bar} ${total ? Math.floor(f * 100) + '%' : ''}${what}${rate}${eta}`)
      drawn = true
    },
    end() {
      if (drawn) io.err('\r\x1b[2K')
      drawn = false
    },
  }
}
