import type { WorkflowHandle } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';
import type { PipelineProgress, PipelineResult, StepState } from '../../core/pipeline/pipelineTypes';
import { formatDuration } from '../../core/report/renderRunReport';
import type { customizationPipeline } from '../../workflows/customizationPipeline';
import { evalProgressQuery } from '../../workflows/evalSuiteWorkflow';
import { fineTuneProgressQuery, progressQuery } from '../../workflows/messages';
import { evalProgressLine } from './evalProgressLine';
import { evalShardsInFlight } from './evalShardsInFlight';
import { fineTuneLine } from './fineTuneLine';
import { teacherProgressLine } from './teacherProgressLine';

export interface WatchClient {
  workflow: { getHandle(id: string): WorkflowHandle };
  options: { loadedDataConverter: LoadedDataConverter };
}

/**
 * Follows a run live through its `progress` query (and the fine-tune child's), printing each change once, until the
 * workflow's result arrives. Queries are read-only, so watching never changes the run.
 */
export async function watchRun(
  handle: WorkflowHandle<typeof customizationPipeline>,
  client: WatchClient,
  log: (line: string) => void,
  intervalMs = 300,
): Promise<PipelineResult> {
  const seen = new Map<string, string>();
  let lastTrain = '';
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  });
  const poll = async () => {
    while (!done) {
      try {
        const p: PipelineProgress = await handle.query(progressQuery);
        for (const s of p.steps) report(s);
        let line = '';
        if (p.stage === 'fine-tune') {
          const fineTune = client.workflow.getHandle(`${p.runId}/fine-tune`);
          const ft: FineTuneProgress = await fineTune.query(fineTuneProgressQuery);
          line = `    ${fineTuneLine(ft)}`;
        } else if (p.stage === 'distill') {
          line = `    ${await teacherProgressLine(handle, client.options.loadedDataConverter)}`;
        } else if (p.stage === 'evaluate') {
          line = `    ${await evaluateLine(client, p.runId)}`;
        }
        if (line.trim() && line !== lastTrain) log(line);
        lastTrain = line;
      } catch {
        // The first query can race the first workflow task; the next tick answers.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
    }
  };
  const report = (s: StepState) => {
    const key = `${s.status}`;
    if (seen.get(s.name) === key || s.status === 'pending') return;
    seen.set(s.name, key);
    if (s.status === 'running') log(`▶ ${s.name} …`);
    else if (s.status === 'completed') log(`✓ ${s.name} (${formatDuration(s)}) ${s.detail ?? ''}`);
    else if (s.status === 'failed') log(`✗ ${s.name} (${formatDuration(s)}) ${s.error ?? ''}`);
    else log(`- ${s.name} ${s.status}`);
  };
  const watcher = poll();
  try {
    const r = await result;
    for (const s of r.steps) report(s);
    return r;
  } finally {
    await watcher;
  }
}

/**
 * The evaluate step's cases per variant: its eval child (`…/evaluate`), or under `fineTune.when: needed` the round
 * of cheaper variants before it (`…/evaluate-baselines`) while that is the one running.
 */
async function evaluateLine(client: WatchClient, runId: string): Promise<string> {
  for (const id of [`${runId}/evaluate`, `${runId}/evaluate-baselines`]) {
    const child = client.workflow.getHandle(id);
    const p = await child.query(evalProgressQuery).catch(() => undefined);
    if (p) return evalProgressLine(p, await evalShardsInFlight(child, client.options.loadedDataConverter));
  }
  return '';
}
