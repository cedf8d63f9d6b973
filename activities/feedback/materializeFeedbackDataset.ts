import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { tailorHome } from '../../config/paths';
import { exportFeedback } from '../../core/feedback/feedbackExport';
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
  /** The export's file: its artifact's path, so it is written once per content and never changes under a run. */
  path: string;
  sha256: string;
  /** Examples in the export. */
  count: number;
  /** Feedback items in the export that the baseline's export did not hold (all of them without a baseline). */
  newCount: number;
}

/** Which feedback items each export held, by the export's hash: how "new since the last successful run" is known. */
const idsFile = (sha256: string) => path.join(tailorHome(), 'feedback', 'exports', `${sha256}.ids.json`);

async function readIds(sha256: string | null): Promise<Set<string>> {
  if (!sha256) return new Set();
  const text = await fs.readFile(idsFile(sha256), 'utf8').catch(() => undefined);
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
  const ids = idsFile(ref.sha256);
  await fs.mkdir(path.dirname(ids), { recursive: true });
  await fs.writeFile(ids, JSON.stringify(out.ids));
  const before = await readIds(baselineSha256);
  return {
    path: await store.localPath(ref),
    sha256: ref.sha256,
    count: out.count,
    newCount: out.ids.filter((id) => !before.has(id)).length,
  };
}
