import type { ArtifactRef } from '../artifacts/artifactRef';
import type { PipelineInput } from '../pipeline/pipelineTypes';
import type { AuditSources, LineageLink } from './auditTypes';
import type { WorkflowEvents } from './workflowEvents';

interface FineTuneOut {
  jobId?: string;
  model?: string;
  trainingFileId?: string;
}

/**
 * The chain dataset → train split → upload → fine-tune job → model → eval report → alias move, as far as the run
 * got: from the histories' values first (a failed run still names its upload and job), then the registry's lineage.
 */
export function lineageOf(src: AuditSources, read: WorkflowEvents[]): LineageLink[] {
  const out: LineageLink[] = [];
  const root = read[0];
  const input = root?.input as Partial<PipelineInput> | undefined;
  const registered = src.registry.models.find((m) => m.runId === src.runId);
  const datasetSha = input?.datasetSha256;
  if (datasetSha) out.push({ kind: 'dataset', id: `sha256:${datasetSha}`, detail: input?.spec?.dataset?.path });
  const train = root?.activities.find((a) => a.name === 'prepareDataset')?.outputs.find((o) => o.path === 'train') as
    ArtifactRef | undefined;
  if (train)
    out.push({
      kind: 'train',
      id: `sha256:${train.sha256}`,
      detail: `${train.count ?? '?'} examples, ${train.bytes} bytes`,
    });
  else if (registered?.trainSha256) out.push({ kind: 'train', id: `sha256:${registered.trainSha256}` });

  let model: string | undefined;
  for (const suffix of ['fine-tune-sft', 'fine-tune']) {
    const ft = read.find((w) => w.workflowId === `${src.runId}/${suffix}`);
    if (!ft) continue;
    const result = (ft.result ?? {}) as FineTuneOut;
    const upload =
      result.trainingFileId ?? ft.activities.find((a) => a.name === 'uploadTrainingFile' && a.ids?.fileId)?.ids?.fileId;
    const job = result.jobId ?? ft.activities.find((a) => a.name === 'findOrCreateJob' && a.ids?.jobId)?.ids?.jobId;
    const base = (ft.input as { model?: string } | undefined)?.model;
    if (upload) out.push({ kind: 'upload', id: upload, detail: suffix });
    if (job)
      out.push({
        kind: 'job',
        id: job,
        detail:
          ft.closedAs && ft.closedAs !== 'completed' ? `${suffix}, ${ft.closedAs}: ${ft.failure ?? ''}`.trim() : suffix,
      });
    if (result.model) {
      model = result.model;
      out.push({ kind: 'model', id: result.model, detail: base ? `from ${base}` : undefined });
    }
  }
  if (!out.some((l) => l.kind === 'job') && registered?.jobId) out.push({ kind: 'job', id: registered.jobId });
  if (!model && registered) out.push({ kind: 'model', id: registered.model, detail: `from ${registered.baseModel}` });

  const evaluation = read.find((w) => w.workflowId === `${src.runId}/evaluate`)?.result as
    { reports?: { json?: ArtifactRef } } | undefined;
  const report = evaluation?.reports?.json?.uri ?? registered?.evalReportUri ?? undefined;
  if (report)
    out.push({
      kind: 'eval',
      id: report,
      detail: registered?.score != null ? `score ${registered.score.toFixed(3)}` : undefined,
    });
  for (const m of src.registry.aliasMoves) {
    out.push({
      kind: 'alias',
      id: `${m.pipeline}@${m.alias}`,
      detail: `${m.fromModel ?? 'none'} → ${m.toModel ?? 'none'} by ${m.who}`,
    });
  }
  return out;
}
