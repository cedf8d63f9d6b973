import type { EvalSuiteResult } from '../../../core/evalSuite/evalSuiteRun';
import { leaderboardText } from '../../../core/evalSuite/leaderboardText';
import type { VariantScore } from '../../../core/evalSuite/evaluationTypes';
import { searchReportText } from '../../../core/promptSearch/searchReport';
import type { PromptSearchResult } from '../../../core/promptSearch/searchTypes';
import type { IndexRef } from '../../../core/rag/indexManifest';
import { textTable } from '../../../core/text/textTable';
import { evalProgressQuery } from '../../../workflows/evalSuiteWorkflow';
import type { EvaluateResult } from '../../../workflows/evaluateWorkflow';
import { promptSearchProgressQuery } from '../../../workflows/promptSearchWorkflow';
import { f3, view, type KindStatus } from './statusView';

function scoresTable(leaderboard: VariantScore[]): string {
  return textTable(
    ['variant', 'model', 'score', '95% interval', 'correct'],
    leaderboard.map((v) => [
      v.label,
      v.model,
      f3(v.score),
      `${f3(v.interval.low)}–${f3(v.interval.high)}`,
      `${v.correct}/${v.n}`,
    ]),
  );
}

const best = (leaderboard: VariantScore[]) =>
  leaderboard[0] ? `${leaderboard[0].label} ${f3(leaderboard[0].score)}` : 'no scores';

/** A watcher's evaluation of the live model on changed data (and a pipeline's baseline evaluation). */
export const evaluationStatus: KindStatus = {
  async running() {
    return view(' (scoring)', [], {});
  },
  async completed(_ctx, result) {
    const r = result as EvaluateResult;
    const lines = [scoresTable(r.leaderboard), '', `report: ${r.report.uri}`];
    return view(`, ${best(r.leaderboard)}`, lines, { result: r });
  },
};

export const evalSuiteStatus: KindStatus = {
  async running({ handle }) {
    const p = await handle.query(evalProgressQuery);
    const line = `${p.casesDone}/${p.casesTotal} cases, ${p.shardsDone}/${p.shardsTotal} shards`;
    return view(` (${p.stage})`, [line], { progress: p });
  },
  async completed(_ctx, result) {
    const r = result as EvalSuiteResult;
    const lines = [
      leaderboardText(r),
      '',
      `${r.cases.count} cases; reports: ${r.reports.html.uri} (HTML), ${r.reports.markdown.uri} (Markdown)`,
    ];
    return view(`, gate ${r.passed ? 'passed' : 'failed'}: ${best(r.leaderboard)}`, lines, { result: r });
  },
};

export const promptSearchStatus: KindStatus = {
  async running({ handle }) {
    const p = await handle.query(promptSearchProgressQuery);
    const line =
      `round ${p.round}: ${p.finished.length} candidates scored, ${p.running.length} running, ` +
      `${p.queued} queued; $${p.spentUsd.toFixed(4)} spent`;
    return view(` (${p.stage})`, [line], { progress: p });
  },
  async completed(_ctx, result) {
    const r = result as PromptSearchResult;
    const winner = r.outcomes.find((o) => o.candidate.key === r.winnerKey);
    const dev = winner ? ` ${f3(winner.score)}` : '';
    const headline = `, winner ${r.winnerKey}${dev} (held out ${f3(r.heldOut.winner.score)})`;
    return view(headline, [searchReportText(r)], { result: r });
  },
};

export const indexBuildStatus: KindStatus = {
  async running() {
    return view(' (chunking and embedding)', [], {});
  },
  async completed(_ctx, result) {
    const r = result as IndexRef;
    const line =
      `${r.chunks} chunks: ${r.embedded} embedded, ${r.reused} reused, ${r.deleted} deleted ` +
      `(manifest sha256 ${r.manifestSha256.slice(0, 12)})`;
    return view(`, ${r.chunks} chunks in ${r.dir}`, [line], { result: r });
  },
};
