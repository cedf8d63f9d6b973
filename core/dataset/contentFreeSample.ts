/**
 * Samples of rejected lines as they may enter workflow history: the line, the reason and a hash of the detail, never
 * the detail itself, which can quote the line (a JSON parse error shows its first characters). The full details stay
 * in the artifact store (the prep manifest, the validation report) and in local `tailor validate` output.
 */
import { createHash } from 'node:crypto';
import { ERROR_CATEGORIES } from './errorCategories';

export interface ContentFreeSample {
  line: number;
  reason: string;
  /** sha256 (first 16 hex digits) of the withheld detail, to match it against the artifact's copy. */
  detailSha256: string;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

export function contentFreeSample(s: { line: number; reason: string; detail: string }): ContentFreeSample {
  return { line: s.line, reason: s.reason, detailSha256: shortHash(s.detail) };
}

/** A validation sample's message without the line's content: the category's description and the detail's hash. */
export function contentFreeMessage(category: string, message: string): string {
  const description = (ERROR_CATEGORIES as Record<string, string>)[category] ?? category;
  return `${description} (detail in the validation report; sha256 ${shortHash(message)})`;
}
