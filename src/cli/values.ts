/**
 * Candidate values per user, stored sparsely: most users have most
 * candidates at their default (0 for counts, "never" for days-since), so
 * only the other values are kept. Memory grows with what users did, not
 * with users x candidates.
 */
export class ValueStore {
  private start: Int32Array
  private len: Uint16Array
  private cand = new Uint16Array(1 << 16)
  private val = new Float64Array(1 << 16)
  private size = 0

  /** `defaults[c]`: the value a candidate has when not stored (NaN stands for null). */
  constructor(users: number, readonly defaults: Float64Array) {
    this.start = new Int32Array(users).fill(-1)
    this.len = new Uint16Array(users)
  }

  /** Sets a user's row once; `values[c]` null is kept as NaN. */
  set(user: number, values: ArrayLike<number | null>): void {
    const from = this.size
    for (let c = 0; c < values.length; c++) {
      const v = values[c] ?? NaN
      const d = this.defaults[c]
      if (v === d || (Number.isNaN(v) && Number.isNaN(d))) continue
      if (this.size === this.cand.length) this.grow()
      this.cand[this.size] = c
      this.val[this.size++] = v
    }
    this.start[user] = from
    this.len[user] = this.size - from
  }

  has(user: number): boolean {
    return this.start[user] >= 0
  }

  /** Calls `fn` for each stored (non-default) value of a user. */
  each(user: number, fn: (cand: number, value: number) => void): void {
    const s = this.start[user]
    for (let i = s; i < s + this.len[user]; i++) fn(this.cand[i], this.val[i])
  }

  get(user: number, cand: number): number {
    const s = this.start[user]
    for (let i = s; i < s + this.len[user]; i++) if (this.cand[i] === cand) return this.val[i]
    return this.defaults[cand]
  }

  private grow(): void {
    const cand = new Uint16Array(this.cand.length * 2)
    cand.set(this.cand)
    const val = new Float64Array(this.val.length * 2)
    val.set(this.val)
    this.cand = cand
    this.val = val
  }
}
