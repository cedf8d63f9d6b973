import path from 'node:path';
import { ensureRunReport, runReportDir } from '../../../activities/report/runReportFiles';
import type { PendingApproval } from '../../../core/deploy/approval';
import type { FineTuneProgress, FineTuneResult } from '../../../core/pipeline/fineTuneTypes';
import type { DeployResult, PipelineProgress, PipelineResult } from '../../../core/pipeline/pipelineTypes';
import { distillSummaryLines } from '../../../core/report/distillSection';
import { formatDuration } from '../../../core/report/renderRunReport';
import { textTable } from '../../../core/text/textTable';
import { pendingApprovalQuery } from '../../../workflows/deployMessages';
import { fineTuneProgressQuery, progressQuery } from '../../../workflows/messages';
import { fineTuneLine } from '../fineTuneLine';
import { teacherProgressLine } from '../teacherProgressLine';
import { f3, iso, view, type KindStatus, type StatusContext } from './statusView';

function stepsTable(steps: PipelineProgress['steps']): string {
  const rows = steps.map((s) => [s.name, s.status, formatDuration(s), s.detail ?? s.error ?? '']);
  return textTable(['step', 'status', 'duration', 'detail'], rows);
}

function approvalLines(runId: string, p: PendingApproval): string[] {
  return [
    '',
    `Waiting since ${iso(p.waitingSince)} for approval by one of ${p.approvers.join(', ')} ` +
      `(until ${iso(p.deadline)}): ${p.candidate.model} scored ${p.candidate.score.toFixed(3)} ` +
      `vs ${p.baseline.kind} ${p.baseline.score.toFixed(3)}.`,
    `  tailor approve ${runId} --by NAME --reason TEXT   (or tailor reject …)`,
  ];
}

/** Where `tailor run --wait` and the worker put a run's report files, relative to here when that is shorter. */
export function reportDirOf(runId: string): string {
  return path.relative(process.cwd(), runReportDir(runId)) || '.';
}

/**
 * The report's line: this host's report directory, written from the result (and the artifact store) when the run
 * finished on a worker elsewhere; what went wrong when it cannot be.
 */
export async function reportLine(r: PipelineResult): Promise<string> {
  try {
    await ensureRunReport(r);
  } catch (err) {
    return `Report: not written on this host: ${err instanceof Error ? err.message : String(err)}`;
  }
  const dir = reportDirOf(r.runId);
  return `Report: ${dir}/report.md${r.evaluationHtml ? ` and ${dir}/evaluation.html` : ''}`;
}

export const pipelineStatus: KindStatus = {
  async running({ client, runId, handle }: StatusContext) {
    const p: PipelineProgress = await handle.query(progressQuery);
    const child = (name: string) => client.workflow.getHandle(`${runId}/${name}`);
    // A deploy step waiting for a person is the one thing an operator must act on: show it.
    const pendingApproval =
      p.stage === 'deploy'
        ? await child('deploy')
            .query(pendingApprovalQuery)
            .catch(() => null)
        : null;
    // Training: the job's (or the self-hosted trainer's) step and loss from the fine-tune step's own query.
    const fineTune: FineTuneProgress | null =
      p.stage === 'fine-tune'
        ? await child('fine-tune')
            .query(fineTuneProgressQuery)
            .catch(() => null)
        : null;
    const lines = [stepsTable(p.steps)];
    if (fineTune) lines.push('', `fine-tune: ${fineTuneLine(fineTune)}`);
    // The teacher's phase of a `distill:` run: prompts answered so far, from its activity's heartbeat.
    const teacher = p.stage === 'distill' ? await teacherProgressLine(handle, client.options.loadedDataConverter) : '';
    if (teacher) lines.push('', teacher);
    if (pendingApproval) lines.push(...approvalLines(runId, pendingApproval));
    return view(` (stage ${p.stage})`, lines, { progress: p, pendingApproval, fineTune });
  },
  async completed(_ctx, result) {
    const r = result as PipelineResult;
    const scores = r.leaderboard.map((s) => [s.label, s.model, s.score.toFixed(3), String(s.n)]);
    return view(
      `, ${r.deploy.outcome} (${r.deploy.alias} → ${r.deploy.model ?? 'unchanged'})`,
      [
        stepsTable(r.steps),
        '',
        textTable(['variant', 'model', 'score', 'n'], scores),
        '',
        // A `distill:` run: the Distillation block the `tailor run --wait` summary prints (cli/stack/summarise.ts).
        ...(r.distill ? [...distillSummaryLines(r.distill), ''] : []),
        `Gate: ${r.gate.passed ? 'passed' : 'failed'}: ${r.gate.reason}`,
        await reportLine(r),
      ],
      { result: r },
    );
  },
};

export const deployStatus: KindStatus = {
  async running({ runId, handle }) {
    const pending = await handle.query(pendingApprovalQuery);
    const parent = runId.endsWith('/deploy') ? runId.slice(0, -'/deploy'.length) : runId;
    const headline = pending ? ' (waiting for approval)' : ' (smoke check and alias move)';
    return view(headline, pending ? approvalLines(parent, pending) : [], { pendingApproval: pending });
  },
  async completed(_ctx, result) {
    const d = result as DeployResult;
    const smoke = d.smokeScore !== undefined ? `, smoke score ${f3(d.smokeScore)}` : '';
    const lines = [`previous: ${d.previous ?? 'none'}${smoke}`, `reason: ${d.reason}`];
    return view(`, ${d.outcome} (${d.alias} → ${d.model ?? 'unchanged'})`, lines, { result: d });
  },
};

export const fineTuneStatus: KindStatus = {
  async running({ handle }) {
    const p = await handle.query(fineTuneProgressQuery);
    return view(` (${p.phase.replace(/_/g, ' ')})`, [`fine-tune: ${fineTuneLine(p)}`], { fineTune: p });
  },
  async completed(_ctx, result) {
    const r = result as FineTuneResult;
    const line =
      `job ${r.jobId}; ${r.trainedTokens ?? '?'} trained tokens; ` +
      `final train loss ${f3(r.finalTrainLoss)}, valid loss ${f3(r.finalValidLoss)}`;
    return view(`, model ${r.model}`, [line], { result: r });
  },
};
