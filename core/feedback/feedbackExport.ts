import { ALL_PII_KINDS } from '../dataset/piiScrubber';
import { ExamplePreparer } from '../dataset/examplePreparer';
import type { JsonObject } from '../dataset/jsonValue';
import { modelProfile } from '../dataset/modelProfile';
import type { SpillStore } from '../dataset/spillStore';
import { ratingScore, type FeedbackRecord } from './feedbackSchema';

export type FeedbackExportFormat = 'dpo' | 'sft';

export interface FeedbackExportOptions {
  format: FeedbackExportFormat;
  /** sft: an uncorrected answer is an example when its rating (thumbs up = 5, down = 1) reaches this. @default 4 */
  minRating?: number;
  /** Whose tokenizer counts tokens in the data-prep step. @default gpt-4o-mini */
  tokenizerModel?: string;
  /** Where the near-duplicate check spills fingerprints: temporary files (stores/spill/tempFileSpill.ts). */
  spill: SpillStore;
}

export interface FeedbackExport {
  /** JSONL, one example a line (empty when there is none). */
  text: string;
  /** Examples written. */
  count: number;
  /** The feedback items behind the written examples (an item can give two DPO pairs), in order, without repeats. */
  ids: string[];
  /** Items that gave nothing (no correction, preference or high rating) and examples the data-prep step removed. */
  skipped: number;
  removed: Record<string, number>;
}

type Example = { id: string; example: JsonObject };

const assistant = (content: string) => [{ role: 'assistant', content }];

/** OpenAI's preference format: a corrected answer over the original, and each explicit preference. */
function dpoExamples(r: FeedbackRecord): Example[] {
  const input = { messages: r.input.messages };
  const out: Example[] = [];
  if (r.correctedAnswer !== undefined && r.correctedAnswer !== r.answer) {
    out.push({
      id: r.id,
      example: { input, preferred_output: assistant(r.correctedAnswer), non_preferred_output: assistant(r.answer) },
    });
  }
  if (r.preference && r.preference.alternative !== r.answer) {
    const [better, worse] =
      r.preference.preferred === 'answer' ? [r.answer, r.preference.alternative] : [r.preference.alternative, r.answer];
    out.push({
      id: r.id,
      example: { input, preferred_output: assistant(better), non_preferred_output: assistant(worse) },
    });
  }
  return out;
}

/** Chat examples: the corrected answer where there is one, else the answer itself when it was rated highly. */
function sftExamples(r: FeedbackRecord, minRating: number): Example[] {
  const answer = r.correctedAnswer ?? (ratingScore(r.rating) >= minRating ? r.answer : undefined);
  return answer === undefined
    ? []
    : [{ id: r.id, example: { messages: [...r.input.messages, { role: 'assistant', content: answer }] } }];
}

/**
 * Feedback as a training file, through the same per-example data-prep step as `prepareDataset` (normalise, scrub
 * PII and secrets, drop exact and near duplicates; first occurrence wins), so what leaves the registry is as clean
 * as any prepared dataset. Deterministic: the same records give the same bytes.
 */
export function exportFeedback(records: readonly FeedbackRecord[], opts: FeedbackExportOptions): FeedbackExport {
  const method = opts.format === 'dpo' ? 'dpo' : 'supervised';
  const profile = modelProfile(opts.tokenizerModel ?? 'gpt-4o-mini');
  const preparer = new ExamplePreparer({
    method,
    encoding: profile.encoding,
    exampleTokenLimit: profile.exampleTokenLimit,
    dedupe: { exact: true, near: true, threshold: 0.9 },
    pii: { scrub: true, kinds: ALL_PII_KINDS },
    length: { dropOverModelLimit: true },
    seed: 'feedback',
    spill: opts.spill,
  });
  const lines: string[] = [];
  const ids: string[] = [];
  const removed: Record<string, number> = {};
  let skipped = 0;
  let n = 0;
  // The near-duplicate index holds its spill files open until closed (core/dataset/nearDuplicateIndex.ts).
  try {
    for (const r of records) {
      const examples = opts.format === 'dpo' ? dpoExamples(r) : sftExamples(r, opts.minRating ?? 4);
      if (examples.length === 0) skipped++;
      for (const { id, example } of examples) {
        const d = preparer.consider(example, ++n);
        if (!d.keep) {
          removed[d.reason] = (removed[d.reason] ?? 0) + 1;
          continue;
        }
        lines.push(d.json);
        if (ids[ids.length - 1] !== id) ids.push(id);
      }
    }
  } finally {
    preparer.close();
  }
  return { text: lines.map((l) => `${l}\n`).join(''), count: lines.length, ids, skipped, removed };
}
