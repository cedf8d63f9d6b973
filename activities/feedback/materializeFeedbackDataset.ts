import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { tailorHome } from '../../config/paths';
import { exportFeedback } from '../../core/feedback/feedbackExport';
import { openResultCache } from '../../stores/cache/keyedCache';
import { artifactStore, feedbackBackend } from '../../stores/processStores';
import { tempFileSpill } from '../../stores/spill/tempFileSpill';
import { durationMs } from '../../core/spec/durationMs';

const InputSchema = z.object({
  /** `dpo` (preference pairs) or `chat` (supervised examples), as the spec's `dataset.format`. */
  format: z.enum(['dpo', 'chat']),
  /** Only feedback received within this long (the spec's `dataset.window`, e.g. `30d`). @default all */
  window: z.string().optional(),
  /** Only this model's feedback. @default every model */
  model: z.string().min(1).optional(),
  /** The dataset hash of the last successful run: items it already held do not count as new. */
  baselineSha256: z.string().nullable(),
});

export interface MaterializedFeedback {
  /**
   * The export's artifact URI (`artifact:sha256:<hex>`), what the pipeline's `dataset.path` becomes: the prepare
   * step reads it through its own artifact store, so it runs on any host, and it never changes under a run.
   */
  path: string;
  sha256: string;
  /** Examples in the export. */
  count: number;
  /** Feedback items in the export that the baseline's export did not hold (all of them without a baseline). */
  newCount: number;
}

/**
 * Which feedback items each export held, keyed by the export's hash: how "new since the last successful run" is
 * known, on whichever host the next run materialises (the bucket when the artifact store is S3). An entry is
 * written once per export content and never changes.
 */
const exportIds = () => openResultCache('feedback/exports');

/** Where a release before the keyed cache kept them, on the host that made the export (still read). */
const legacyIdsFile = (sha256: string) => path.join(tailorHome(), 'feedback', 'exports', `${sha256}.ids.json`);

async function readIds(sha256: string | null): Promise<Set<string>> {
  if (!sha256) return new Set();
  const ids = await exportIds().get<string[]>(sha256);
  if (ids) return new Set(ids);
  const text = await fs.readFile(legacyIdsFile(sha256), 'utf8').catch(() => undefined);
  return new Set(text ? (JSON.parse(text) as string[]) : []);
}

/**
 * A pipeline's `source: feedback` dataset: the feedback table exported (as `tailor feedback export` does) into the
 * content-addressed artifact store, so its sha256 names the run and `--skip-if-unchanged` compares exports.
 */
export async function materializeFeedbackDataset(input: z.input<typeof InputSchema>): Promise<MaterializedFeedback> {
  const { format, window, model, baselineSha256 } = InputSchema.parse(input);
  const windowMs = window === undefined ? undefined : durationMs(window);
  const records = await (
    await feedbackBackend()
  ).list({ ...(model ? { model } : {}), ...(windowMs ? { since: Date.now() - windowMs } : {}) });
  const out = exportFeedback(records, { format: format === 'dpo' ? 'dpo' : 'sft', spill: tempFileSpill() });
  const store = artifactStore();
  const ref = await store.put(out.text, { name: `feedback.${format}.jsonl`, count: out.count });
  await exportIds().put(ref.sha256, out.ids);
  const before = await readIds(baselineSha256);
  return {
    path: ref.uri,
    sha256: ref.sha256,
    count: out.count,
    newCount: out.ids.filter((id) => !before.has(id)).length,
  };
}
