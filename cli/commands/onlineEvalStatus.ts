import type { OnlineEvalResult } from '../../core/onlineEval/onlineEvalTypes';
import { f3, iso, view, type KindStatus } from '../stack/status/statusView';

/** A tick's result for people: one line per model, with its alert. */
export function onlineEvalLines(r: OnlineEvalResult): string[] {
  const alerts = new Map(r.alerts.map((a) => [a.model, a.delivered]));
  const lines = r.scores.map((s) => {
    const alert = alerts.get(s.model);
    const sent = alert === 'now' ? 'sent' : alert === 'earlier' ? 'sent earlier' : 'not sent: no webhook';
    const flag = s.below ? `BELOW ${r.threshold} (alert ${sent})` : 'ok';
    const errored = s.errored ? ` (${s.errored} errored)` : '';
    return `  ${s.model}  score ${f3(s.score)}  pass ${f3(s.passRate)}  n ${s.n}${errored}  ${flag}`;
  });
  if (r.unusable) lines.push(`  ${r.unusable} captured exchange(s) had no stored answer and were not graded`);
  return lines;
}

export function onlineEvalHeadline(r: OnlineEvalResult): string {
  const what =
    r.outcome === 'no-traffic'
      ? 'no captured traffic in the window'
      : r.outcome === 'below-threshold'
        ? `below threshold: ${r.scores
            .filter((s) => s.below)
            .map((s) => s.model)
            .join(', ')}`
        : 'every model at or above the threshold';
  return `, ${what} (${r.alias}, suite ${r.suite}, tick ${iso(r.tickAt)})`;
}

/** How `tailor status` shows an online-evaluation tick. */
export const onlineEvalStatus: KindStatus = {
  async running() {
    return view(' (grading captured traffic)', [], {});
  },
  async completed(_ctx, result) {
    const r = result as OnlineEvalResult;
    return view(onlineEvalHeadline(r), onlineEvalLines(r), { result: r, outcome: r.outcome, scores: r.scores });
  },
};
