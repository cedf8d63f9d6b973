import type { GradeResult } from '../graders/gradeTypes';

/** One case scored for one variant: a line of the per-case results artifact. */
export interface CaseResult {
  variantId: string;
  model: string;
  promptVersion: string;
  index: number;
  caseId: string;
  caseHash: string;
  /** The case input, clipped for reports. */
  input: string;
  expected?: string;
  output: string;
  /** Why no answer was produced (a request the provider rejected for this case alone). */
  error?: string;
  latencyMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  costUsd?: number;
  /** Answer came from the result cache (no provider call in this attempt). */
  cached: boolean;
  /** Few-shot examples used (pool positions). */
  examples?: number[];
  grades: GradeResult[];
  status: 'pass' | 'fail' | 'error';
  /** Mean grade score (0 for an errored answer). */
  score: number;
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
