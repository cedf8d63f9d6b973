import type { CandidateOutcome, SearchSettings } from './searchTypes';

/**
 * The search's budget decisions, pure and workflow-safe. A candidate may start while the count of candidates
 * finished plus running stays within `budget.candidates`, and while what was spent plus what the running and the
 * new one are expected to cost stays within `budget.usd`. A candidate's expected cost is the most any scored one
 * cost (its answers are the same cases with a prompt of similar length); before any is scored it is unknown, so
 * the first candidate always runs.
 */
export function budgetStop(
  settings: SearchSettings,
  finished: readonly CandidateOutcome[],
  running: number,
): 'candidates' | 'usd' | undefined {
  if (finished.length + running + 1 > settings.budget.candidates) return 'candidates';
  if (settings.budget.usd !== undefined) {
    const expected = expectedCandidateUsd(finished);
    if (spentUsd(finished) + expected * (running + 1) > settings.budget.usd) return 'usd';
  }
  return undefined;
}

export function expectedCandidateUsd(finished: readonly CandidateOutcome[]): number {
  return finished.reduce((m, o) => Math.max(m, o.costUsd), 0);
}

export function spentUsd(finished: readonly CandidateOutcome[]): number {
  return finished.reduce((s, o) => s + o.costUsd, 0);
}

/** The best on the development split: highest score, then fewer tokens (cheaper to run), then found earlier. */
export function bestOutcome(outcomes: readonly CandidateOutcome[]): CandidateOutcome | undefined {
  let best: CandidateOutcome | undefined;
  for (const o of outcomes) {
    if (!best || o.score > best.score || (o.score === best.score && tokens(o) < tokens(best))) best = o;
  }
  return best;
}

function tokens(o: CandidateOutcome): number {
  return o.promptTokens + o.completionTokens;
}
