import { z } from 'zod';
import { exportCaptures } from '../../core/capture/captureExport';
import { durationMs } from '../../core/spec/durationMs';
import { openCaptureReader } from '../../stores/capture/captureBackend';
import { artifactStore } from '../../stores/processStores';
import { tempFileSpill } from '../../stores/spill/tempFileSpill';

const InputSchema = z.object({
  /** NAME@ALIAS whose captured traffic is the dataset. */
  alias: z.string().min(1),
  /** `dpo` (corrections and preferences as pairs) or `chat` (supervised examples), as the spec's `dataset.format`. */
  format: z.enum(['dpo', 'chat']),
  /** Only traffic captured within this long (the spec's `dataset.window`, e.g. `30d`). @default all that is kept */
  window: z.string().optional(),
  /** Only answers rated at least this, or corrected. @default every answer */
  minRating: z.number().int().min(1).max(5).optional(),
  /** At most this many captured requests, a fixed sample by response ID. @default all */
  sampleSize: z.number().int().min(1).optional(),
});

export interface MaterializedCapture {
  /** The export's artifact URI (`artifact:sha256:<hex>`): the prepare step reads it from its own artifact store. */
  path: string;
  sha256: string;
  /** Examples in the export. */
  count: number;
  /** Captured requests read (after the window and the sample). */
  rows: number;
}

/**
 * A pipeline's `source: capture` dataset: the gateway's captured traffic for one alias exported (as `tailor capture
 * export` does) into the content-addressed artifact store, so its sha256 names the run and the prepare step reads it
 * like any file.
 */
export async function materializeCaptureDataset(input: z.input<typeof InputSchema>): Promise<MaterializedCapture> {
  const { alias, format, window, minRating, sampleSize } = InputSchema.parse(input);
  let out: ReturnType<typeof exportCaptures> = {
    text: '',
    count: 0,
    ids: [],
    skipped: 0,
    removed: {},
    rows: 0,
    unusable: 0,
  };
  // The gateway's store: its SQLite file (absent when nothing was captured yet) or the shared PostgreSQL database.
  const captures = await openCaptureReader();
  if (captures) {
    const windowMs = window === undefined ? undefined : durationMs(window);
    try {
      const rows = await captures.list({ alias, ...(windowMs ? { since: Date.now() - windowMs } : {}) });
      out = exportCaptures(rows, {
        format: format === 'dpo' ? 'dpo' : 'sft',
        spill: tempFileSpill(),
        ...(minRating !== undefined ? { minRating } : {}),
        ...(sampleSize !== undefined ? { limit: sampleSize } : {}),
      });
    } finally {
      await captures.close();
    }
  }
  const store = artifactStore();
  const ref = await store.put(out.text, { name: `capture.${format}.jsonl`, count: out.count });
  return { path: ref.uri, sha256: ref.sha256, count: out.count, rows: out.rows };
}
