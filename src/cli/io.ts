import { closeSync, openSync, writeSync } from 'node:fs'

/** Where a command writes: injected so tests run commands in-process. */
export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  /** stderr is a terminal: progress bars may draw. */
  tty: boolean
  /** Working directory that relative paths resolve against. */
  cwd: string
}

export const processIo = (): Io => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  tty: !!process.stderr.isTTY,
  cwd: process.cwd(),
})

/** Thrown for bad usage or unusable input; the message is shown as is and the command exits with `code`. */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message)
  }
}

const EXAMPLES = 5

/**
 * Bad-input bookkeeping: every problem is counted by kind, and the first
 * few of each kind keep their line number, so a 1 GB file with a million
 * broken lines reports "1,000,000 malformed lines (lines 3, 9, 14, ...)"
 * instead of a million lines of output.
 */
export class Problems {
  readonly kinds = new Map<string, { file: string; count: number; lines: number[]; fact?: boolean }>()

  /** One problem of `kind` at `line` (0: no line). `times` counts it more than once (a summary of many). */
  add(file: string, kind: string, line: number, times = 1): void {
    const key = file + '\u0000' + kind
    let k = this.kinds.get(key)
    if (!k) this.kinds.set(key, (k = { file, count: 0, lines: [] }))
    k.count += times
    if (k.lines.length < EXAMPLES && line > 0) k.lines.push(line)
  }

  /** A problem that happens once and has no count ("empty file"). */
  fact(file: string, kind: string): void {
    this.kinds.set(file + '\u0000' + kind, { file, count: 1, lines: [], fact: true })
  }

  get total(): number {
    let n = 0
    for (const k of this.kinds.values()) n += k.count
    return n
  }

  /** One line per kind: `events.ndjson: malformed JSON lines: 3 (lines 4, 9, 12)`. */
  lines(): string[] {
    return [...this.kinds.entries()].map(([key, k]) => {
      const kind = key.slice(key.indexOf('\u0000') + 1)
      if (k.fact) return `${k.file}: ${kind}`
      const where = k.lines.length ? ` (line${k.count > 1 ? 's' : ''} ${k.lines.join(', ')}${k.count > k.lines.length ? ', ...' : ''})` : ''
      return `${k.file}: ${kind}: ${fmtInt(k.count)}${where}`
    })
  }

  toJSON(): Array<{ file: string; kind: string; count: number; lines: number[] }> {
    return [...this.kinds.entries()].map(([key, k]) => ({ file: k.file, kind: key.slice(key.indexOf('\u0000') + 1), count: k.count, lines: k.lines }))
  }
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US')
export const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? (x * 100).toFixed(digits) + '%' : '-')
export const times = (x: number): string => (x === Infinity ? '∞' : Number.isFinite(x) ? (x >= 10 ? x.toFixed(0) : x.toFixed(1)) + 'x' : '-')

/** A buffered, synchronous file writer: simple back-pressure for large outputs. */
export class Writer {
  private fd: number
  private buf: string[] = []
  private size = 0
  constructor(path: string) {
    this.fd = openSync(path, 'w')
  }
  write(s: string): void {
    this.buf.push(s)
    this.size += s.length
    if (this.size > 1 << 18) this.flush()
  }
  flush(): void {
    if (this.buf.length) {
      // write(2) may write less than asked; loop until all of it is out.
      const data = Buffer.from(this.buf.join(''))
      for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off)
    }
    this.buf = []
    this.size = 0
  }
  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}
