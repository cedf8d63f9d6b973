/**
 * What every grader returns and what it may ask of the outside world. Graders are pure; the few that need a
 * model (judges, embeddings, a counterfactual re-run) get these services injected by the shard activity, which
 * routes them through the provider and the result cache.
 */

/** OpenAI's per-grade error flags (run-grader API `metadata.errors`), reused for Tailor's own graders. */
export const GRADER_ERROR_FLAGS = [
  'formula_parse_error',
  'sample_parse_error',
  'truncated_observation_error',
  'unresponsive_reward_error',
  'invalid_variable_error',
  'other_error',
  'python_grader_server_error',
  'python_grader_runtime_error',
  'model_grader_server_error',
  'model_grader_refusal_error',
  'model_grader_parse_error',
] as const;
export type GraderErrorFlag = (typeof GRADER_ERROR_FLAGS)[number];

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens?: number;
}

export interface GradeResult {
  /** The assertion's name (OpenAI `name`, the `multi` key, or the type). */
  name: string;
  type: string;
  score: number;
  passed: boolean;
  /** A grade that could not be computed (bad variable, unparsable judge reply); counts the item as errored. */
  errored: boolean;
  errors?: GraderErrorFlag[];
  /** One line for humans: why it failed, what was compared. */
  detail?: string;
  /** `multi` sub-scores, keyed like its `graders` map. */
  subScores?: Record<string, number>;
  /** For classification: the labels the confusion matrix counts. */
  label?: { expected: string; predicted: string };
  /** Judge or embedding tokens this grade spent, and the model that spent them. */
  usage?: TokenUsage;
  sampledModel?: string;
}

/** The `sample` namespace of OpenAI's grader templates. */
export interface Sample {
  output_text: string;
  output_json?: unknown;
  output_tools?: unknown[];
  choices?: unknown[];
}

/** A chat message as sent to a judge: content is text or OpenAI content parts. */
export interface JudgeMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string | JudgeContentPart[];
}
export type JudgeContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'mp3' | 'wav' } };

export interface JudgeRequest {
  model: string;
  messages: JudgeMessage[];
  /** A strict JSON schema the reply must follow (structured outputs). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  sampling?: {
    temperature?: number;
    top_p?: number;
    seed?: number;
    max_completion_tokens?: number;
    reasoning_effort?: string;
  };
}

export interface JudgeReply {
  text: string;
  refusal?: string | null;
  model: string;
  usage?: TokenUsage;
}

export interface GraderServices {
  /** One chat completion for a model grader. */
  judge(req: JudgeRequest): Promise<JudgeReply>;
  /** Embeddings, one vector per text, in order. */
  embed(texts: string[], model: string): Promise<number[][]>;
  /** The model under test on another prompt (counterfactual checks): its answer text. */
  generate(messages: { role: 'system' | 'developer' | 'user' | 'assistant'; content: string }[]): Promise<string>;
}

/** Everything a grader can see about one case. */
export interface GradeInput {
  item: Record<string, unknown>;
  sample: Sample;
  /** The prompt the model under test received. */
  messages: { role: 'system' | 'developer' | 'user' | 'assistant' | 'tool'; content: string | null }[];
  latencyMs?: number;
  costUsd?: number;
}

export function failedGrade(name: string, type: string, flag: GraderErrorFlag, detail: string): GradeResult {
  return { name, type, score: 0, passed: false, errored: true, errors: [flag], detail };
}
