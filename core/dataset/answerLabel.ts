import { isJsonObject } from './jsonValue';

/** Longest answer still treated as a class label ("billing", "bug_report"), not free text. */
const MAX_LABEL_CHARS = 40;
const MAX_LABEL_WORDS = 4;

/**
 * The final assistant answer when it is short enough to be a label, else undefined. Classification datasets
 * (the support-tickets example) are stratified and balance-checked by it; free-text datasets simply have none.
 */
export function answerLabel(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isJsonObject(m) || m.role !== 'assistant') continue;
    if (typeof m.content !== 'string') return undefined;
    const label = m.content.trim();
    if (label === '' || label.length > MAX_LABEL_CHARS || label.split(/\s+/).length > MAX_LABEL_WORDS) return undefined;
    return label;
  }
  return undefined;
}

/** Upper bound on distinct labels for a dataset to count as classification (and on the tracker's memory). */
export const MAX_DISTINCT_LABELS = 100;

/**
 * Counts labels while examples stream by; gives up (and frees its map) as soon as one answer is not a label or
 * there are too many distinct ones, because then the data is not a classification set.
 */
export class LabelTally {
  private counts: Map<string, number> | null = new Map();
  private seen = 0;

  add(label: string | undefined): void {
    if (!this.counts) return;
    if (label === undefined) {
      this.counts = null;
      return;
    }
    this.seen++;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    if (this.counts.size > MAX_DISTINCT_LABELS) this.counts = null;
  }

  /** Label → count, most frequent first; null when the answers are not labels. */
  result(): Record<string, number> | null {
    if (!this.counts || this.seen === 0 || this.counts.size < 2 || this.counts.size * 2 > this.seen) return null;
    return Object.fromEntries([...this.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  }
}
