import fs from 'node:fs';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { parsePromptLine, type DistillPrompt } from '../../core/distill/distillPrompts';
import { distillPromptsRequest } from '../../core/distill/distillPromptsRequest';
import type { DistillPrompts } from '../../core/spec/distillSpec';
import { artifactStore } from '../../stores/processStores';
import { materializeCaptureDataset } from '../capture/materializeCaptureDataset';
import { requireAllowedPath } from '../confinedPath';
import { datasetFile, isArtifactUri } from '../datasetArtifact';
import { invalidDataset } from '../dataset/invalidDataset';

export interface MaterializedPrompts {
  /** JSONL of DistillPrompt, one a line, in the source's order. */
  prompts: ArtifactRef;
  count: number;
  /** Prompts that carry a reference answer. */
  withReference: number;
}

export interface DistillPromptsInput {
  prompts: DistillPrompts;
  /**
   * `from: capture`: the artifact URI of the export that named the run (PipelineInput's `distillPrompts`); read
   * instead of exporting the alias's traffic again, so the run distils what its ID names. Absent: export now.
   */
  exported?: string;
}

/**
 * The prompts a `distill:` run asks its teacher: a JSONL file (each line checked; a bad one fails the run naming its
 * file and line, nothing stored), or the alias's captured traffic exported as `source: capture` does (or the export
 * the run was named by), each request's messages without the answer the alias gave. Stored in the artifact store,
 * so later steps read them by hash.
 */
export async function materializeDistillPrompts(input: DistillPromptsInput): Promise<MaterializedPrompts> {
  const spec = input.prompts;
  let file: string;
  let source: string;
  let fromCapture = false;
  if (spec.from === 'file') {
    requireAllowedPath(spec.path, 'distill.prompts.path');
    if (!fs.existsSync(spec.path)) throw invalidDataset(`distill.prompts.path: no such file: ${spec.path}`);
    file = spec.path;
    source = spec.path;
  } else {
    file = await captureExport(spec, input.exported);
    source = `the capture export of ${spec.alias}`;
    fromCapture = true;
  }
  const prompts: DistillPrompt[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      let p: DistillPrompt;
      try {
        p = parsePromptLine(text, source, i + 1);
      } catch (err) {
        throw invalidDataset((err as Error).message);
      }
      // A captured answer is what the alias said, not a known-correct one: it is not a reference.
      prompts.push(fromCapture ? { messages: p.messages } : p);
    });
  if (prompts.length === 0) throw invalidDataset(`${source}: no prompts (expected JSONL lines with messages)`);
  const ref = await artifactStore().put(prompts.map((p) => JSON.stringify(p)).join('\n') + '\n', {
    name: 'distill-prompts.jsonl',
    count: prompts.length,
  });
  const withReference = prompts.filter((p) => p.reference !== undefined).length;
  return { prompts: ref, count: prompts.length, withReference };
}

/** The capture export's copy on this host: the one that named the run, or (a run without it) a new export. */
async function captureExport(spec: Extract<DistillPrompts, { from: 'capture' }>, exported?: string): Promise<string> {
  if (exported !== undefined) {
    // Only an artifact of the store: the run's input names no file on the worker's disk.
    if (!isArtifactUri(exported)) throw invalidDataset(`distill.prompts: not an export's artifact URI: ${exported}`);
    return datasetFile(exported);
  }
  const captured = await materializeCaptureDataset(distillPromptsRequest(spec));
  if (captured.count === 0) throw invalidDataset(`distill.prompts: no captured traffic of ${spec.alias} yet`);
  // The export's artifact URI (or, from older code, a path): its copy on this host.
  return datasetFile(captured.path);
}
