import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writer } from './io'

/**
 * Events grouped by user without holding the input in memory: the first
 * pass appends each event, as a compact record, to one of N partitions
 * chosen by user (user index mod N); later passes load one partition at a
 * time, which holds every event of its users and nothing else. With N = 1
 * (small inputs) the records stay in memory and no file is written.
 *
 * Record: `user \t time \t nameIndex [\t propsJSON]`, props kept only for
 * events a signal filters or counts distinct values on. Trial dates from an
 * identify message are a record with name index -1 (`TRIAL`) and
 * `{ start?, end? }` as props.
 */
export class Partitions {
  readonly dir: string | null
  private writers: Writer[] = []
  private memory: string[][] = []

  constructor(readonly count: number) {
    this.dir = count > 1 ? mkdtempSync(join(tmpdir(), 'momentkit-')) : null
    for (let i = 0; i < count; i++) {
      if (this.dir) this.writers.push(new Writer(join(this.dir, `part-${i}.tsv`)))
      this.memory.push([])
    }
  }

  add(user: number, t: number, name: number, props?: Record<string, unknown>): void {
    const rec = props ? `${user}\t${t}\t${name}\t${JSON.stringify(props)}\n` : `${user}\t${t}\t${name}\n`
    const p = user % this.count
    if (this.dir) this.writers[p].write(rec)
    else this.memory[p].push(rec)
  }

  /** Trial dates an identify message gave the user at `t` (replayed as the SDK's `trial` op). */
  addTrial(user: number, t: number, start?: number, end?: number): void {
    this.add(user, t, TRIAL, { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) })
  }

  /** Closes the files; call once, after the first pass. */
  seal(): void {
    for (const w of this.writers) w.close()
    this.writers = []
    for (const m of this.memory) if (m.length) m.splice(0, m.length, m.join(''))
  }

  /** Loads partition `i` into columns. */
  load(i: number): Block {
    const text = this.dir ? readFileSync(join(this.dir, `part-${i}.tsv`), 'utf8') : this.memory[i].join('')
    return parseBlock(text)
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Name index of a trial-dates record. */
export const TRIAL = -1

/** One partition's events, as columns. */
export interface Block {
  size: number
  user: Int32Array
  t: Float64Array
  name: Int32Array
  props: Array<Record<string, unknown> | undefined>
}

export function parseBlock(text: string): Block {
  let size = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) size++
  const b: Block = { size, user: new Int32Array(size), t: new Float64Array(size), name: new Int32Array(size), props: [] }
  let pos = 0
  for (let r = 0; r < size; r++) {
    const end = text.indexOf('\n', pos)
    const t1 = text.indexOf('\t', pos)
    const t2 = text.indexOf('\t', t1 + 1)
    const t3 = text.indexOf('\t', t2 + 1)
    b.user[r] = +text.slice(pos, t1)
    b.t[r] = +text.slice(t1 + 1, t2)
    if (t3 !== -1 && t3 < end) {
      b.name[r] = +text.slice(t2 + 1, t3)
      b.props[r] = JSON.parse(text.slice(t3 + 1, end))
    } else b.name[r] = +text.slice(t2 + 1, end)
    pos = end + 1
  }
  return b
}

/**
 * Groups a block's rows by user, each user's rows in time order (a stable
 * sort: events of equal time keep their input order; trial dates come
 * before events of the same instant, as the collector replays them). Input
 * need not be sorted or grouped.
 */
export function byUser(b: Block): Array<{ user: number; rows: Int32Array }> {
  const local = new Map<number, number>()
  const users: number[] = []
  const counts: number[] = []
  for (let r = 0; r < b.size; r++) {
    let li = local.get(b.user[r])
    if (li === undefined) {
      local.set(b.user[r], (li = users.length))
      users.push(b.user[r])
      counts.push(0)
    }
    counts[li]++
  }
  const start = new Int32Array(users.length + 1)
  for (let i = 0; i < users.length; i++) start[i + 1] = start[i] + counts[i]
  const fill = start.slice(0, users.length)
  const order = new Int32Array(b.size)
  for (let r = 0; r < b.size; r++) order[fill[local.get(b.user[r])!]++] = r
  return users.map((user, i) => {
    const rows = order.subarray(start[i], start[i + 1])
    const rank = (r: number) => (b.name[r] === TRIAL ? 0 : 1)
    const before = (x: number, y: number) => b.t[x] - b.t[y] || rank(x) - rank(y) || x - y
    let sorted = true
    for (let k = 1; k < rows.length && sorted; k++) sorted = before(rows[k - 1], rows[k]) < 0
    if (!sorted) rows.set(Array.from(rows).sort(before))
    return { user, rows }
  })
}
