/**
 * The statistics of calibration, on 2x2 tables:
 *
 *                 hit   no hit
 *   converters     a    n1 - a
 *   others         c    n0 - c
 *
 * Lift is the risk ratio (a/n1) / (c/n0): how much more often converters
 * hit a signal than non-converters (the domain's "2x or more is strong").
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054

/**
 * Wilson score interval for a proportion k/n: stays inside [0, 1] and is
 * sensible for small n and for k = 0 or k = n, unlike the normal one.
 *
 * @example wilson(8, 10) // [0.49, 0.94]
 */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1]
  const p = k / n
  const z2 = z * z
  const mid = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return [Math.max(0, mid - half), Math.min(1, mid + half)]
}

export interface LiftStats {
  /** Converters hitting, converters, others hitting, others. */
  a: number
  n1: number
  c: number
  n0: number
  /** Hit rates. */
  p1: number
  p0: number
  /** Risk ratio p1 / p0 and its 95% interval (Katz log method). */
  lift: number
  lo: number
  hi: number
  /** Odds ratio (a/b)/(c/d) and ln of it: the naive-Bayes points a hit is worth. */
  oddsRatio: number
  logOdds: number
  /** Pearson chi-square of the table (1 degree of freedom, no continuity correction). */
  chi2: number
}

/**
 * Lift with a 95% confidence interval. The interval is Katz's: ln(RR) ±
 * z·sqrt(1/a − 1/n1 + 1/c − 1/n0). A zero cell makes the log undefined, so
 * then (only then) 0.5 is added to every cell (Haldane–Anscombe), for the
 * point estimate too: a signal no non-converter hit gets a large finite
 * lift with a wide interval instead of "infinity".
 *
 * @example lift(30, 100, 10, 100) // { lift: 3, lo: 1.56, hi: 5.77, ... }
 */
export function lift(a: number, n1: number, c: number, n0: number): LiftStats {
  const b = n1 - a
  const d = n0 - c
  const zero = a === 0 || b === 0 || c === 0 || d === 0
  const k = zero ? 0.5 : 0
  const [A, B, C, D] = [a + k, b + k, c + k, d + k]
  const N1 = A + B
  const N0 = C + D
  const rr = A / N1 / (C / N0)
  const se = Math.sqrt(1 / A - 1 / N1 + 1 / C - 1 / N0)
  const or = (A * D) / (B * C)
  const n = n1 + n0
  const m1 = a + c
  const m0 = b + d
  const chi2 = n1 && n0 && m1 && m0 ? (n * (a * d - b * c) ** 2) / (n1 * n0 * m1 * m0) : 0
  return {
    a, n1, c, n0,
    p1: n1 ? a / n1 : 0,
    p0: n0 ? c / n0 : 0,
    lift: rr,
    lo: Math.exp(Math.log(rr) - Z95 * se),
    hi: Math.exp(Math.log(rr) + Z95 * se),
    oddsRatio: or,
    logOdds: Math.log(or),
    chi2,
  }
}

/** A value histogram by class: value -> [converters, others]. */
export type Histogram = Map<number, [number, number]>

export interface Cut {
  threshold: number
  stats: LiftStats
  /** At least `minUsers` users on each side of the cut. */
  enough: boolean
}

/** Cuts a signal's histogram offers (distinct values but the loosest): what `bestCut` tries. */
export const cutsIn = (hist: Histogram): number => Math.max(0, [...hist.keys()].filter((v) => !Number.isNaN(v)).length - 1)

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error under 1.2e-9): the z with P(Z < z) = p.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)))
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)))
  const q = p - 0.5
  const r = q * q
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/**
 * The chi-square (1 df) a cut must reach to count as significant when
 * `tests` cuts were tried in all: Bonferroni, family-wise alpha 0.05.
 * Picking the best of many cuts and signals is optimistic; this keeps a
 * decoy's lucky cut out of the model.
 *
 * @example chi2Critical(1) // 3.84; chi2Critical(1000) // 16.4
 */
export function chi2Critical(tests: number, alpha = 0.05): number {
  return normalQuantile(1 - alpha / (2 * Math.max(1, tests))) ** 2
}

/**
 * Picks a signal's threshold: the cut that maximises the chi-square of the
 * hit/no-hit table among cuts where converters hit more often than others
 * and at least `minUsers` users fall on each side. Chi-square weighs lift
 * against how many users a cut covers, so it neither picks a cut three
 * users pass (huge, unreliable lift) nor one everybody passes (lift 1).
 * `lowerIsBetter` signals (recency, days since) are hit at value <= cut;
 * users without a value (null, kept as NaN) never hit. Returns null when no
 * cut has converters hitting more often than others.
 */
export function bestCut(hist: Histogram, n1: number, n0: number, lowerIsBetter: boolean, minUsers: number): Cut | null {
  const values = [...hist.keys()].filter((v) => !Number.isNaN(v)).sort((x, y) => (lowerIsBetter ? x - y : y - x))
  let a = 0
  let c = 0
  let best: Cut | null = null
  // Walk from the strictest cut to the loosest, accumulating who passes.
  for (let i = 0; i < values.length; i++) {
    const [conv, other] = hist.get(values[i])!
    a += conv
    c += other
    // Cutting at the loosest value would let every user with a value through; still a cut when some have none.
    if (a + c === n1 + n0) break
    if (a / n1 <= c / n0) continue
    const stats = lift(a, n1, c, n0)
    const enough = a + c >= minUsers && n1 + n0 - a - c >= minUsers
    const better = !best || (enough && !best.enough) || (enough === best.enough && stats.chi2 > best.stats.chi2)
    if (better) best = { threshold: values[i], stats, enough }
  }
  return best
}
