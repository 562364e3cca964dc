import { describe, expect, it } from 'vitest'
import { bestCut, chi2Critical, cutsIn, type Histogram, lift, normalQuantile, wilson } from '../../src/cli/lift'

describe('wilson interval', () => {
  it.each([
    // [k, n, lo, hi]: textbook values (Wilson 1927; Newcombe 1998, table I)
    [8, 10, 0.4902, 0.9433],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [81, 263, 0.2553, 0.3662],
  ])('%i of %i', (k, n, lo, hi) => {
    const [a, b] = wilson(k, n)
    expect(a).toBeCloseTo(lo, 3)
    expect(b).toBeCloseTo(hi, 3)
  })

  it('is [0, 1] with no data and narrows as n grows', () => {
    expect(wilson(0, 0)).toEqual([0, 1])
    const w = (n: number) => wilson(n / 4, n)
    expect(w(400)[1] - w(400)[0]).toBeLessThan(w(40)[1] - w(40)[0])
  })
})

describe('lift', () => {
  it('is the risk ratio with a Katz interval, the odds ratio and chi-square (worked by hand)', () => {
    // 30 of 100 converters hit, 10 of 100 others.
    const s = lift(30, 100, 10, 100)
    expect(s.lift).toBeCloseTo(3, 10)
    // se = sqrt(1/30 - 1/100 + 1/10 - 1/100) = 0.33665
    expect(s.lo).toBeCloseTo(3 * Math.exp(-1.959964 * 0.336650), 4)
    expect(s.hi).toBeCloseTo(3 * Math.exp(1.959964 * 0.336650), 4)
    expect(s.lo).toBeCloseTo(1.5508, 3)
    expect(s.hi).toBeCloseTo(5.8035, 3)
    expect(s.oddsRatio).toBeCloseTo((30 * 90) / (70 * 10), 10)
    // N(ad - bc)^2 / (n1 n0 m1 m0) = 200 * 2000^2 / (100*100*40*160)
    expect(s.chi2).toBeCloseTo(12.5, 10)
    expect([s.p1, s.p0]).toEqual([0.3, 0.1])
  })

  it('is 1 with an interval around 1 when both groups hit equally', () => {
    const s = lift(20, 100, 200, 1000)
    expect(s.lift).toBeCloseTo(1, 10)
    expect(s.lo).toBeLessThan(1)
    expect(s.hi).toBeGreaterThan(1)
    expect(s.chi2).toBeCloseTo(0, 10)
  })

  it('stays finite when no non-converter hits (Haldane-Anscombe 0.5 correction)', () => {
    const s = lift(5, 50, 0, 500)
    expect(Number.isFinite(s.lift)).toBe(true)
    expect(s.lift).toBeCloseTo(5.5 / 51 / (0.5 / 501), 6)
    expect(s.lo).toBeGreaterThan(1)
    expect(Number.isFinite(s.hi)).toBe(true)
  })

  it('narrows with more users at the same rates', () => {
    const small = lift(6, 20, 20, 200)
    const big = lift(60, 200, 200, 2000)
    expect(big.lift).toBeCloseTo(small.lift, 10)
    expect(big.hi - big.lo).toBeLessThan(small.hi - small.lo)
  })
})

const hist = (rows: Array<[number, number, number]>): Histogram => new Map(rows.map(([v, c, o]) => [v, [c, o]]))

describe('bestCut (threshold selection)', () => {
  it('finds a clean planted cut: every converter at 2 or more, every other below', () => {
    const h = hist([[0, 0, 500], [1, 0, 300], [2, 60, 0], [5, 40, 0]])
    const cut = bestCut(h, 100, 800, false, 10)!
    expect(cut.threshold).toBe(2)
    expect(cut.stats.a).toBe(100)
    expect(cut.stats.c).toBe(0)
  })

  it('maximises chi-square over the cuts (checked against every cut)', () => {
    const h = hist([[0, 40, 600], [1, 20, 250], [2, 30, 100], [3, 10, 50]])
    const cut = bestCut(h, 100, 1000, false, 10)!
    const at = (t: number) => {
      let a = 0
      let c = 0
      for (const [v, [x, y]] of h) if (v >= t) (a += x), (c += y)
      return lift(a, 100, c, 1000).chi2
    }
    expect(cut.threshold).toBe(2)
    expect(at(2)).toBeGreaterThan(at(1))
    expect(at(2)).toBeGreaterThan(at(3))
  })

  it('prefers a cut with enough users on each side over a higher chi-square on a handful', () => {
    // Value 9: 6 converters, 0 others: strong but tiny. Value 1: broad and real.
    const h = hist([[0, 50, 900], [1, 44, 100], [9, 6, 0]])
    expect(bestCut(h, 100, 1000, false, 1)!.threshold).toBe(1)
    const strict = bestCut(hist([[0, 94, 1000], [9, 6, 0]]), 100, 1000, false, 10)!
    expect(strict.threshold).toBe(9)
    expect(strict.enough).toBe(false)
  })

  it('cuts lower-is-better signals from below, and users without a value never hit', () => {
    // Days since last visit: converters recent. NaN = never active.
    const h = hist([[0, 40, 100], [1, 30, 100], [5, 10, 300], [20, 10, 400], [NaN, 10, 100]])
    const cut = bestCut(h, 100, 1000, true, 10)!
    expect(cut.threshold).toBe(1)
    expect(cut.stats.a).toBe(70)
    expect(cut.stats.c).toBe(200)
  })

  it('returns null when converters never hit more often (a decoy or a negative signal)', () => {
    expect(bestCut(hist([[0, 50, 400], [3, 50, 600]]), 100, 1000, false, 10)).toBeNull()
    expect(bestCut(hist([[0, 100, 1000]]), 100, 1000, false, 10)).toBeNull()
  })
})

describe('multiple-testing guard', () => {
  it.each([
    // [p, z] from normal tables
    [0.5, 0],
    [0.975, 1.959964],
    [0.999, 3.090232],
    [0.001, -3.090232],
    [1 - 2.5e-5, 4.055627],
  ])('normalQuantile(%f) = %f', (p, z) => expect(normalQuantile(p)).toBeCloseTo(z, 5))

  it('raises the chi-square bar with the number of cuts tried (Bonferroni, alpha 0.05)', () => {
    expect(chi2Critical(1)).toBeCloseTo(3.8415, 3)
    expect(chi2Critical(1000)).toBeCloseTo(4.055627 ** 2, 3)
    expect(chi2Critical(10)).toBeLessThan(chi2Critical(100))
    expect(cutsIn(hist([[0, 1, 1], [1, 1, 1], [2, 1, 1], [NaN, 1, 1]]))).toBe(2)
  })
})
