import path from 'node:path';
import { materializeCaptureDataset } from '../../activities/capture/materializeCaptureDataset';
import { materializeFeedbackDataset } from '../../activities/feedback/materializeFeedbackDataset';
import { captureExportRequest } from '../../core/capture/captureSource';
import { distillPromptsRequest } from '../../core/distill/distillPromptsRequest';
import { feedbackExportRequest } from '../../core/feedback/feedbackSource';
import type { LoadedSpec } from '../../config/loadSpec';
import type { PipelineSpec } from '../../core/pipeline/pipelineSpec';
import type { PipelineInput } from '../../core/pipeline/pipelineTypes';
import { artifactUri } from '../../core/artifacts/artifactRef';
import { artifactStore } from '../../stores/processStores';
import { UsageError } from '../command';
import { sha256File } from './datasetHash';

/** What a run starts on: the fields of its PipelineInput the dataset decides (core/pipeline/pipelineTypes.ts). */
export type PipelineDataset = Pick<PipelineInput, 'spec' | 'datasetSha256' | 'datasetName' | 'distillPrompts'>;

/**
 * The dataset a `tailor run` starts on, with the hash that names the run: the spec's file, or for
 * `dataset.source: feedback` the feedback table exported into the artifact store here (the same export a
 * scheduled run makes; a manual run is not held back by `minCount`, but an empty export is refused).
 */
export async function pipelineDataset(loaded: LoadedSpec): Promise<PipelineDataset> {
  const { spec } = loaded;
  // `distill:` runs are named by their prompts (the teacher and its prompt are in the spec's hash).
  if (spec.distill?.prompts.from === 'file') {
    return { spec, datasetSha256: await sha256File(spec.distill.prompts.path) };
  }
  if (spec.distill?.prompts.from === 'capture') {
    const { alias } = spec.distill.prompts;
    // The same request a scheduled run makes, so both name the run by the same export.
    const data = await materializeCaptureDataset(distillPromptsRequest(spec.distill.prompts));
    if (data.count === 0) {
      throw new UsageError(`${loaded.file}: distill.prompts: no captured traffic of ${alias} to distil yet`, 1);
    }
    // The run carries this export: its distill phase reads exactly the prompts whose hash names it.
    return { spec, datasetSha256: data.sha256, distillPrompts: data.path };
  }
  if (spec.dataset.source === 'capture') {
    const data = await materializeCaptureDataset(captureExportRequest(spec.dataset));
    if (data.count === 0) {
      const why = `no captured traffic of ${spec.dataset.alias} to train on yet (a gateway capture policy collects it)`;
      throw new UsageError(`${loaded.file}: dataset.source: capture: ${why}`, 1);
    }
    return { spec: { ...spec, dataset: { ...spec.dataset, path: data.path } }, datasetSha256: data.sha256 };
  }
  if (spec.dataset.source !== 'feedback') return fileDataset(spec);
  const data = await materializeFeedbackDataset(feedbackExportRequest(spec.dataset, null));
  if (data.count === 0)
    throw new UsageError(
      `${loaded.file}: dataset.source: feedback: no feedback to train on yet (tailor feedback-server collects it)`,
      1,
    );
  return { spec: { ...spec, dataset: { ...spec.dataset, path: data.path } }, datasetSha256: data.sha256 };
}

/**
 * A dataset file. With the artifacts in object storage (`TAILOR_ARTIFACTS`), workers may run on hosts that cannot
 * see this one's disk, so the file goes into the store here and the run carries its artifact URI, not a path; the
 * path stays as the name messages use (`file:line:`). Without it the workers share this disk and read the path.
 */
async function fileDataset(spec: PipelineSpec): Promise<PipelineDataset> {
  if (!process.env.TAILOR_ARTIFACTS?.trim()) return { spec, datasetSha256: await sha256File(spec.dataset.path) };
  const ref = await artifactStore().putFile(spec.dataset.path, { name: path.basename(spec.dataset.path) });
  const datasetName = path.relative(process.cwd(), spec.dataset.path) || spec.dataset.path;
  return {
    spec: { ...spec, dataset: { ...spec.dataset, path: artifactUri(ref.sha256) } },
    datasetSha256: ref.sha256,
    datasetName,
  };
}
