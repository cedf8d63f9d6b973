import { createHash } from 'node:crypto';
import { exportFeedback, type FeedbackExport, type FeedbackExportFormat } from '../feedback/feedbackExport';
import type { SpillStore } from '../dataset/spillStore';
import { FeedbackMessageSchema, ratingScore, type FeedbackRecord } from '../feedback/feedbackSchema';
import type { CaptureFeedback } from './captureFeedback';
import type { CaptureRow } from './captureRow';

/** A captured row as the export reads it: the row and the rating its answer got, if any. */
export interface RatedCapture extends CaptureRow {
  feedback: (Omit<CaptureFeedback, 'responseId'> & { at: number }) | null;
}

export interface CaptureExportOptions {
  format: FeedbackExportFormat;
  /** sft: only answers rated at least this (or corrected). @default every captured answer */
  minRating?: number;
  /** At most this many rows, a sample by the hash of their response IDs (the same rows every time). */
  limit?: number;
  /** Where the near-duplicate check spills fingerprints: temporary files (stores/spill/tempFileSpill.ts). */
  spill: SpillStore;
}

export interface CaptureExport extends FeedbackExport {
  /** Rows read, and rows that could not be an example (body omitted by a size cap, non-text messages). */
  rows: number;
  unusable: number;
}

const sampleKey = (id: string) => createHash('sha256').update(id).digest('hex');

/** The chat the model answered, when it is plain text messages (what a training example can hold). */
function messagesOf(requestJson: string | null): FeedbackRecord['input']['messages'] | null {
  if (requestJson === null) return null;
  const messages = (JSON.parse(requestJson) as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) return null;
  const parsed = messages.map((m: unknown) => {
    const r = FeedbackMessageSchema.safeParse(m && typeof m === 'object' ? pickText(m as Record<string, unknown>) : m);
    return r.success ? r.data : null;
  });
  if (parsed.some((m) => m === null) || parsed[parsed.length - 1]!.role === 'assistant') return null;
  return parsed as FeedbackRecord['input']['messages'];
}

const pickText = (m: Record<string, unknown>) => ({ role: m.role, content: m.content });

/**
 * Captured traffic as a training file: each usable row becomes a feedback record (an unrated answer counts as
 * accepted) and goes through `exportFeedback`, the same data-prep step as any prepared dataset. sft: the corrected
 * answer, else the answer; dpo: corrections and preferences as pairs. Deterministic for the same rows.
 */
export function exportCaptures(rows: readonly RatedCapture[], opts: CaptureExportOptions): CaptureExport {
  let chosen = [...rows];
  if (opts.limit !== undefined && chosen.length > opts.limit) {
    const keep = new Set(
      chosen
        .map((r) => r.responseId)
        .sort((a, b) => (sampleKey(a) < sampleKey(b) ? -1 : 1))
        .slice(0, opts.limit),
    );
    chosen = chosen.filter((r) => keep.has(r.responseId));
  }
  const records: FeedbackRecord[] = [];
  let unusable = 0;
  for (const r of chosen) {
    const messages = messagesOf(r.requestJson);
    if (!messages || !r.answer) {
      unusable++;
      continue;
    }
    const f = r.feedback;
    if (opts.minRating !== undefined && !f?.correctedAnswer && (!f || ratingScore(f.rating) < opts.minRating)) continue;
    records.push({
      id: r.responseId,
      model: r.model,
      input: { messages },
      answer: r.answer,
      rating: f?.rating ?? 5,
      ...(f?.correctedAnswer ? { correctedAnswer: f.correctedAnswer } : {}),
      ...(f?.preference ? { preference: f.preference } : {}),
      at: r.at,
    });
  }
  const out = exportFeedback(records, { format: opts.format, minRating: 1, spill: opts.spill });
  return { ...out, rows: chosen.length, unusable };
}
