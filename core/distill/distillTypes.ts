import type { ArtifactRef } from '../artifacts/artifactRef';

/** What asking the teacher produced: the training file, the held-out set, and what the answers cost. */
export interface TeacherAnswers {
  /** The teacher as the spec names it (a model ID or NAME@ALIAS). */
  requested: string;
  /** The model that answered (the alias resolved when the run started). */
  model: string;
  /** Prompts read, and unique prompts (by messages) the teacher answered. */
  prompts: number;
  unique: number;
  /** Requests sent to the teacher in this run; the others came from the cache (same teacher, same messages). */
  calls: number;
  cached: number;
  /** The SFT training file (its artifact URI): the teacher's answers to the prompts not held out. */
  train: { path: string; sha256: string; count: number };
  /** Held-out prompts with the teacher's answer, its tokens and any reference (JSONL of HeldOutRow). */
  heldOut: ArtifactRef;
  heldOutCount: number;
  /** Every teacher answer's tokens (cached ones count at what they cost when asked). */
  promptTokens: number;
  completionTokens: number;
  /** What those answers cost at list prices; undefined when the teacher's model has no price. */
  usd?: number;
  /** What this run's requests (not the cached answers) cost: counted in the run's spend against `budget`. */
  spentUsd?: number;
}

/** One held-out prompt as the comparison reads it. */
export interface HeldOutRow {
  /** The prompt's own messages (what the student is asked). */
  messages: { role: string; content: string | null }[];
  teacher: string;
  reference?: string;
  promptTokens: number;
  completionTokens: number;
}

/** One model's side of the comparison on the held-out prompts. */
export interface DistillSide {
  model: string;
  /** Share of held-out prompts with a reference answered correctly; undefined when none has one. */
  accuracy?: number;
  /** Mean prompt and completion tokens per request, × 1,000. */
  tokensPer1k: number;
  /** USD per 1,000 requests at list prices; undefined when the model has no price. */
  usdPer1k?: number;
}

/** Student against teacher on the held-out prompts. */
export interface DistillComparison {
  metric: 'exact_match' | 'contains';
  heldOut: number;
  /** Held-out prompts that carry a reference (accuracy is over these). */
  withReference: number;
  /** Share of held-out prompts where the student's answer matches the teacher's under `metric`. */
  agreement: number;
  agreementInterval: { low: number; high: number };
  teacher: DistillSide;
  student: DistillSide;
  /** Each held-out prompt's two answers and scores (JSONL). */
  outputs: ArtifactRef;
}

/** What a `distill:` run adds to the pipeline's result. */
export interface DistillResult {
  teacher: Omit<TeacherAnswers, 'heldOut' | 'train'> & { trainExamples: number };
  comparison: DistillComparison;
  /** `distill.minAgreement`, when set, and whether the student met it. */
  minAgreement?: { required: number; passed: boolean };
}
