import { GRADER_ERROR_FLAGS, type GraderServices } from '../gradeTypes';
import { gradeOpenAI, type OpenAIGradeOptions } from './gradeOpenAI';
import { OpenAIGraderSchema, type OpenAIGrader } from './openaiGraderSchemas';

/**
 * The `/fine_tuning/alpha/graders/run` contract, run locally: `{grader, item?, model_sample}` in, OpenAI's
 * response envelope out. `model_sample` fills `sample.output_text`, and `output_json` when it
 * parses as JSON. Useful to check a grader config against known answers before an eval or an RFT job uses it.
 */
export interface RunGraderRequest {
  grader: unknown;
  item?: Record<string, unknown>;
  model_sample: string;
}

export interface RunGraderResponse {
  reward: number;
  metadata: {
    name: string;
    type: string;
    errors: Record<string, boolean | string | null>;
    execution_time: number;
    scores: Record<string, number>;
    token_usage: {
      prompt_tokens: number;
      completion_tokens: number;
      total_tokens: number;
      cached_tokens: number;
    } | null;
    sampled_model_name: string | null;
  };
  sub_rewards: Record<string, number>;
  model_grader_token_usage_per_model: Record<
    string,
    { prompt_tokens: number; completion_tokens: number; total_tokens: number; cached_tokens: number }
  >;
}

export async function runGrader(
  req: RunGraderRequest,
  services: Pick<GraderServices, 'judge' | 'embed'>,
  opts: OpenAIGradeOptions = {},
  now: () => number = () => performance.now(),
): Promise<RunGraderResponse> {
  const grader: OpenAIGrader = OpenAIGraderSchema.parse(req.grader) as OpenAIGrader;
  const t0 = now();
  const sample: Record<string, unknown> = { output_text: req.model_sample };
  try {
    sample.output_json = JSON.parse(req.model_sample);
  } catch {
    // not JSON: output_json stays absent, so a template reading it is an invalid variable
  }
  const name = grader.name ?? grader.type;
  const r = await gradeOpenAI(grader, name, { item: req.item ?? {}, sample }, services, opts);
  const errors: Record<string, boolean | string | null> = Object.fromEntries(
    GRADER_ERROR_FLAGS.map((f) => [f, (r.errors ?? []).includes(f)]),
  );
  errors.python_grader_server_error_type = null;
  errors.python_grader_runtime_error_details = null;
  errors.model_grader_server_error_details = null;
  const usage = r.usage ? { ...r.usage, cached_tokens: r.usage.cached_tokens ?? 0 } : null;
  return {
    reward: r.score,
    metadata: {
      name,
      type: grader.type,
      errors,
      execution_time: (now() - t0) / 1000,
      scores: r.subScores ?? {},
      token_usage: usage,
      sampled_model_name: r.sampledModel ?? null,
    },
    sub_rewards: r.subScores ?? {},
    model_grader_token_usage_per_model: usage && r.sampledModel ? { [r.sampledModel]: usage } : {},
  };
}
