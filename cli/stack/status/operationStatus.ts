import type { Client } from '@temporalio/client';
import type { SunsetWatchResult } from '../../../workflows/sunsetWatchWorkflow';
import type { ScheduledPipelineResult } from '../../../workflows/scheduledPipelineWorkflow';
import { watcherStatusQuery, type WatcherStatus } from '../../../workflows/datasetWatcherWorkflow';
import { TailorPipeline, TailorStage } from '../../../core/operations/searchAttributes';
import { iso, view, type KindStatus, type StatusContext } from './statusView';

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 12) : 'none');
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The newest completed pipeline run of `pipeline` on this dataset: the run a skipped scheduled run deferred to. */
async function runOnDataset(client: Client, pipeline: string, datasetSha256: string): Promise<string | undefined> {
  const query =
    `WorkflowType = 'customizationPipeline' AND ExecutionStatus = 'Completed' ` +
    `AND TailorPipeline = ${quote(pipeline)} AND TailorDatasetSha = ${quote(datasetSha256)}`;
  let best: { at: number; id: string } | undefined;
  for await (const wf of client.workflow.list({ query })) {
    const at = wf.closeTime?.getTime() ?? 0;
    if (!best || at > best.at) best = { at, id: wf.workflowId };
  }
  return best?.id;
}

export const scheduledStatus: KindStatus = {
  async running({ desc }: StatusContext) {
    const children = (desc.raw.pendingChildren ?? []).map((c) => c.workflowId ?? '').filter((id) => id !== '');
    const stage = desc.typedSearchAttributes.get(TailorStage);
    const lines = children.length
      ? children.map((id) => `pipeline run ${id} is running: tailor status ${id}`)
      : ['fingerprinting the dataset and comparing it with the last successful run'];
    return view(stage ? ` (stage ${stage})` : '', lines, { pipelineRuns: children });
  },
  async completed({ client, desc }, result) {
    const r = result as ScheduledPipelineResult;
    const pipeline = desc.typedSearchAttributes.get(TailorPipeline);
    const sha = `dataset sha256 ${r.datasetSha256}`;
    if (r.outcome === 'skipped') {
      const earlier = pipeline ? await runOnDataset(client, pipeline, r.datasetSha256) : undefined;
      // The recorded reason names no run; visibility names the run that already used this data.
      const reason = earlier ? `dataset unchanged since run ${earlier}` : r.reason;
      return view(`, skipped: ${reason}`, [sha], { result: r, skippedSince: earlier ?? null, reason });
    }
    const next = `tailor status ${r.runId}`;
    if (r.outcome === 'duplicate') {
      return view(`, duplicate: run ${r.runId} already ran on this data and spec`, [sha, next], { result: r });
    }
    return view(`, completed: run ${r.runId} (deploy ${r.deploy})`, [sha, next], { result: r });
  },
};

function triggeredLine(t: WatcherStatus['triggered'][number]): string {
  const how = t.started ? 'started' : `not started${t.reason ? `: ${t.reason}` : ' (already existed)'}`;
  return `  ${short(t.datasetSha256)} → ${t.workflowId} ${how}`;
}

function watcherLines(s: WatcherStatus): string[] {
  const every = s.everyMs !== undefined ? `, looking every ${s.everyMs / 1000}s` : '';
  const lines = [`pipeline ${s.pipeline}: ${s.ticks} looks${every}; dataset ${short(s.datasetSha256)}`];
  if (s.pendingSha256) {
    const deadline = s.pendingDeadline
      ? ` triggers at ${iso(s.pendingDeadline)} unless it changes again`
      : ' waits out its debounce window';
    const window = s.debounceMs ? ` (debounce ${s.debounceMs / 1000}s)` : '';
    lines.push(`pending change: dataset ${short(s.pendingSha256)}${deadline}${window}`);
  } else {
    lines.push('pending change: none');
  }
  const recent = s.triggered.slice(-5);
  lines.push(recent.length ? 'triggered (newest last):' : 'triggered: nothing yet', ...recent.map(triggeredLine));
  return lines;
}

export const watcherStatus: KindStatus = {
  async running({ handle }) {
    const s = await handle.query(watcherStatusQuery);
    return view(s.pendingSha256 ? ' (change pending)' : ' (watching)', watcherLines(s), { watcher: s });
  },
  async completed(_ctx, result) {
    const s = result as WatcherStatus;
    return view(', stopped', watcherLines(s), { result: s });
  },
};

export const rollbackStatus: KindStatus = {
  async running() {
    return view(' (moving the alias back)', [], {});
  },
  async completed(_ctx, result) {
    const r = result as { from: string; to: string | null };
    return view(`, alias moved from ${r.from} back to ${r.to ?? '(unset)'}`, [], { result: r });
  },
};

export const sunsetStatus: KindStatus = {
  async running() {
    return view(' (checking base models against shutdown dates)', [], {});
  },
  async completed(_ctx, result) {
    const r = result as SunsetWatchResult;
    const lines = r.findings.map(
      (f) => `${f.pipeline}@${f.alias}: ${f.model} on ${f.baseModel}, shutdown ${f.shutdownDate} (${f.daysLeft} days)`,
    );
    for (const u of r.followUps ?? []) {
      lines.push(`successor ${u.workflowId}: ${u.started ? 'started' : 'already started earlier'}`);
    }
    const headline = `, ${r.findings.length} finding(s) within ${r.horizonDays} days across ${r.aliases} aliases`;
    return view(`${headline} (checked ${r.checkedAt})`, lines, { result: r });
  },
};
