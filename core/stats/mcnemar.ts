/**
 * McNemar's exact test for paired pass/fail outcomes: only the discordant cases carry information (b: baseline
 * passed and candidate failed; c: the reverse). Under "no difference" each discordant case is a fair coin, so the
 * two-sided p-value is 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1. Exact, so it is right for the
 * small counts a few hundred eval cases give.
 */
export interface McNemarResult {
  /** Baseline passed, candidate failed. */
  b: number;
  /** Candidate passed, baseline failed. */
  c: number;
  pValue: number;
}

export function mcnemarExact(
  candidatePassed: ArrayLike<boolean | number>,
  baselinePassed: ArrayLike<boolean | number>,
): McNemarResult {
  if (candidatePassed.length !== baselinePassed.length) throw new RangeError('paired outcomes differ in length');
  let b = 0;
  let c = 0;
  for (let i = 0; i < candidatePassed.length; i++) {
    const cand = Boolean(candidatePassed[i]);
    const base = Boolean(baselinePassed[i]);
    if (base && !cand) b++;
    else if (cand && !base) c++;
  }
  return { b, c, pValue: mcnemarPValue(b, c) };
}

export function mcnemarPValue(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // Sum in log space: C(n, i)·2^-n underflows for n in the thousands.
  let logTerm = -n * Math.LN2; // i = 0
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}
