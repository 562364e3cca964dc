import { describe, expect, it } from 'vitest'
import { analyze } from '../../src/cli/analyze'
import type { Candidate } from '../../src/cli/candidates'
import { rng } from '../../src/cli/generate'
import { patternAuc, pickTiers, select, toPoints } from '../../src/cli/propose'
import { ValueStore } from '../../src/cli/values'
import { defaultTiers } from '../../src/config/presets'

/** Brute-force AUC over all converter/other pairs. */
function bruteAuc(score: number[], conv: boolean[]): number {
  let wins = 0
  let pairs = 0
  for (let i = 0; i < score.length; i++) if (conv[i]) for (let j = 0; j < score.length; j++) if (!conv[j]) (pairs++, (wins += score[i] > score[j] ? 1 : score[i] === score[j] ? 0.5 : 0))
  return wins / pairs
}

describe('toPoints', () => {
  it.each([[[1, 1, 1]], [[2, 1, 1]], [[0.3, 0.01, 5, 1.2, 0.7]], [[1e-9, 1]]])('%j: sums to exactly 100, each at least 1, in proportion', (w) => {
    const p = toPoints(w)
    expect(p.reduce((a, b) => a + b, 0)).toBe(100)
    expect(Math.min(...p)).toBeGreaterThanOrEqual(1)
    const sum = w.reduce((a, b) => a + b, 0)
    w.forEach((x, i) => expect(Math.abs(p[i] - (x / sum) * 100)).toBeLessThanOrEqual(1.5))
  })
})

describe('patternAuc', () => {
  it('equals the brute-force AUC of the points score', () => {
    const r = rng(3)
    const n = 400
    const cols = [0, 1, 2].map(() => new Uint8Array(n))
    const conv: boolean[] = []
    for (let i = 0; i < n; i++) {
      cols.forEach((c) => (c[i] = r() < 0.3 ? 1 : 0))
      conv.push(r() < 0.1 + 0.25 * cols[0][i] + 0.1 * cols[2][i])
    }
    const w = [1.3, 0.2, 0.7]
    const users = Array.from({ length: n }, (_, i) => i)
    const score = users.map((i) => cols.reduce((s, c, j) => s + c[i] * w[j], 0))
    expect(patternAuc(cols, w, conv, users)).toBeCloseTo(bruteAuc(score, conv), 10)
  })
})

describe('pickTiers (PQL boundary at a chosen share)', () => {
  it('puts the PQL minimum where the top share of users starts', () => {
    const hist = new Array(101).fill(0)
    for (let s = 0; s < 100; s++) hist[s] = 1 // one user per score 0..99
    const r = pickTiers(defaultTiers, hist, 0.12)
    expect(r.tiers.map((t) => [t.name, t.min])).toEqual([['low', 0], ['moderate', 64], ['pql', 88], ['hot', 96]])
    expect(r.share).toBeCloseTo(0.12, 10)
  })

  it('keeps tiers strictly ascending from 0 when scores are coarse, and reports the share it got', () => {
    const hist = new Array(101).fill(0)
    hist[0] = 80
    hist[50] = 20
    const r = pickTiers(defaultTiers, hist, 0.12)
    const mins = r.tiers.map((t) => t.min)
    expect(mins[0]).toBe(0)
    mins.slice(1).forEach((m, i) => expect(m).toBeGreaterThan(mins[i]))
    expect(mins.every((m) => m <= 100)).toBe(true)
    expect(r.tiers[2].min).toBe(50)
    expect(r.share).toBeCloseTo(0.2, 10)
  })

  it('uses the tier named "pql", else the second highest, and keeps names and labels', () => {
    const hist = new Array(101).fill(1)
    const custom = [{ name: 'cold', min: 0 }, { name: 'warm', label: 'Warm', min: 40 }, { name: 'ready', min: 70 }]
    const r = pickTiers(custom, hist, 0.1)
    expect(r.pql).toBe(1)
    expect(r.tiers[1]).toMatchObject({ name: 'warm', label: 'Warm' })
    expect(r.tiers[1].min).toBe(91)
  })
})

describe('analyze + select on planted data', () => {
  // Users with 4 measures: two real signals of different strength, a copy of the first, and noise.
  const r = rng(11)
  const n = 6000
  const cands: Candidate[] = ['strong', 'weak', 'copy', 'noise'].map((id) => ({ id, signal: { type: 'count', event: id, threshold: 1 }, source: 'event', lower: false }))
  const store = new ValueStore(n, new Float64Array(4))
  const conv: boolean[] = []
  for (let u = 0; u < n; u++) {
    const strong = r() < 0.2 ? 3 + Math.floor(r() * 3) : Math.floor(r() * 3)
    const weak = r() < 0.3 ? 1 : 0
    const noise = Math.floor(r() * 6)
    conv.push(r() < 1 / (1 + Math.exp(-(-3 + (strong >= 3 ? 2 : 0) + (weak ? 0.7 : 0)))))
    store.set(u, [strong, weak, strong, noise])
  }
  const users = Array.from({ length: n }, (_, i) => i)
  const stats = analyze(cands, store, users, conv, 30)

  it('recovers the planted cut and ranks noise last', () => {
    const by = Object.fromEntries(stats.map((s) => [s.cand.id, s]))
    expect(by.strong.threshold).toBe(3)
    expect(by.weak.threshold).toBe(1)
    expect(by.strong.stats!.lift).toBeGreaterThan(by.weak.stats!.lift)
    expect(by.noise.eligible).toBe(false)
    expect(stats[stats.length - 1].cand.id).toBe('noise')
  })

  it('selects by AUC gain, so a duplicate of a chosen signal is left out', () => {
    const sel = select(stats, store, users, conv, { min: 1, max: 5, minGain: 0.001, pool: 20 })
    const ids = sel.picks.map((s) => s.cand.id)
    expect(ids).toContain('weak')
    expect(ids.filter((i) => i === 'strong' || i === 'copy')).toHaveLength(1)
    expect(ids).not.toContain('noise')
    sel.auc.slice(1).forEach((a, i) => expect(a).toBeGreaterThan(sel.auc[i]))
  })
})
