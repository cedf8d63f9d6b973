/**
 * A leaderboard on one line for a step's detail: `fine-tuned 0.894 · base, prompt classify-strict 0.553`. Variant
 * labels may hold commas, so entries are separated by ` · ` (as the live progress line does), never by a comma.
 */
export function leaderboardDetail(leaderboard: readonly { label: string; score: number }[]): string {
  return leaderboard.map((s) => `${s.label} ${s.score.toFixed(3)}`).join(' · ');
}
