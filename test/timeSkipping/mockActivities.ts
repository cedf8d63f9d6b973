import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type * as real from '../../activities';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';

type Activities = typeof real;
export type ActivityName = keyof Activities;
/** Stand-ins for some activities, with the real signatures (the compiler checks them against activities/). */
export type ActivityMocks = Partial<Activities>;
type AnyActivity = (...args: unknown[]) => Promise<unknown>;

export interface RecordedActivities {
  /** The activities the workflows called, in the order their attempts started. */
  calls: string[];
  /** The input of each call of one activity. */
  inputsOf<K extends ActivityName>(name: K): Parameters<Activities[K]>[0][];
  /** Answers one activity call: records it, then runs its mock; an activity without one fails non-retryably. */
  dispatch(name: string, args: unknown[]): Promise<unknown>;
}

/**
 * The activities of one branch test: every call is recorded; a mocked activity answers, any other fails at once and
 * non-retryably, naming itself. A branch that reaches an activity it should not ends the run (it never waits out
 * retries), and `calls` lists exactly what the branch asked for.
 */
export function recordActivities(mocks: ActivityMocks): RecordedActivities {
  const calls: string[] = [];
  const inputs = new Map<string, unknown[]>();
  const table = mocks as Record<string, unknown>;
  return {
    calls,
    inputsOf: <K extends ActivityName>(name: K) => (inputs.get(name) ?? []) as Parameters<Activities[K]>[0][],
    async dispatch(name, args) {
      calls.push(name);
      inputs.set(name, [...(inputs.get(name) ?? []), args[0]]);
      const mock = table[name];
      if (typeof mock !== 'function') {
        throw ApplicationFailure.nonRetryable(`activity ${name} is not expected on this branch`, 'UnexpectedActivity');
      }
      return (mock as AnyActivity)(...args);
    },
  };
}

/** A content address for a name: what the stand-ins hand back instead of stored files. */
export function fakeRef(name: string, count?: number): ArtifactRef {
  const sha256 = createHash('sha256').update(name).digest('hex');
  const uri = `artifact:sha256:${sha256}`;
  return { uri, sha256, bytes: name.length, name, ...(count !== undefined ? { count } : {}) };
}

const spread = { min: 10, max: 90, mean: 40, median: 38, p10: 15, p90: 70 };

export interface PipelineWorld {
  /** Accuracy of each variant the evaluations score, by variant id (`base-zero-shot`, `fine-tuned`, …). */
  scores: Record<string, number>;
  /** The fine-tune's estimated cost from validation. @default 0.25 */
  estimateUsd?: number;
  /** What the smoke check through the alias scores. @default the fine-tuned score */
  smokeScore?: number;
}

/** Cases each evaluation scores (the mocked shards report this many). */
export const CASES = 50;

/**
 * The happy path of a pipeline run as stand-ins for its activities: a prepared and valid dataset, evaluations that
 * score each variant as `world.scores` says, a fine-tune job that succeeds at once, and a registry kept in memory.
 */
export function pipelineMocks(world: PipelineWorld): ActivityMocks & { aliases: Map<string, string | null> } {
  const aliases = new Map<string, string | null>();
  const scoreOf = (id: string) => {
    const s = world.scores[id];
    if (s === undefined) throw new Error(`no score for variant ${id} in this test's world`);
    return s;
  };
  return {
    aliases,
    prepareDataset: async () => ({
      sourceSha256: fakeRef('source').sha256,
      train: fakeRef('train.jsonl', 300),
      validation: fakeRef('validation.jsonl', 30),
      test: fakeRef('test.jsonl', CASES),
      manifest: fakeRef('manifest.json'),
      counts: { input: 380, kept: 380, train: 300, validation: 30, test: CASES, removed: {}, piiScrubbed: {} },
    }),
    validateDataset: async () => ({
      valid: true,
      examples: 300,
      errors: {},
      errorSamples: [],
      warnings: [],
      tokens: { total: 12_000, billed: 12_000, perExample: spread, assistantPerExample: spread },
      estimate: {
        epochs: 3,
        billedTokens: 36_000,
        usd: world.estimateUsd ?? 0.25,
        pricePerMillion: 3,
        model: 'gpt-4o-mini-2024-07-18',
      },
      report: fakeRef('validation-report.json'),
    }),
    preflightCheck: async (i) => ({
      pipeline: i.pipeline,
      baseModel: { id: i.baseModel, present: true },
      alias: { name: i.alias, model: null, present: null },
    }),
    resolveAlias: async (i) => aliases.get(`${i.pipeline}/${i.alias}`) ?? null,
    writeRunReport: async () => ({ dir: '/nowhere/report' }),
    prepareEvalCases: async () => ({
      cases: fakeRef('cases.jsonl', CASES),
      count: CASES,
      shapes: { chat: CASES, vars: 0, item: 0 },
      withSample: 0,
      withAssertions: 0,
    }),
    prepareEvalVariant: async (i) => ({
      variantId: i.variant.id,
      promptVersion: fakeRef(`prompt-${i.variant.id}`).sha256,
    }),
    evaluateShard: async (i) => ({
      results: fakeRef(`shard-${i.variant.id}-${i.start}`, i.end - i.start),
      n: i.end - i.start,
      passed: Math.round(scoreOf(i.variant.id) * (i.end - i.start)),
      errored: 0,
      providerCalls: i.end - i.start,
      cacheHits: 0,
    }),
    summariseEvalRun: async (i) => ({
      variants: i.variants.map((v) => {
        const score = scoreOf(v.id);
        const passed = Math.round(score * CASES);
        return {
          variantId: v.id,
          label: v.label,
          model: v.model,
          promptVersion: v.promptVersion,
          n: CASES,
          passed,
          failed: CASES - passed,
          errored: 0,
          metrics: { [i.primaryMetric]: score, prompt_tokens: 40, completion_tokens: 2 },
          interval: { low: Math.max(0, score - 0.1), high: Math.min(1, score + 0.1) },
          cacheHits: 0,
          providerCalls: CASES,
        };
      }),
      comparisons: [],
      skipped: [],
      results: fakeRef('results.jsonl'),
      perVariant: Object.fromEntries(i.variants.map((v) => [v.id, fakeRef(`results-${v.id}.jsonl`, CASES)])),
    }),
    renderEvalReport: async () => ({
      html: fakeRef('report.html'),
      markdown: fakeRef('report.md'),
      json: fakeRef('report.json'),
    }),
    uploadTrainingFile: async (i) => ({
      fileId: `file-${i.artifact.sha256.slice(0, 8)}`,
      reused: false,
      deletedFileIds: [],
    }),
    getFileStatus: async () => ({ status: 'processed', details: null }),
    findOrCreateJob: async () => ({ jobId: 'ftjob-mock', created: true, cancelledJobIds: [] }),
    getJobStatus: async (i) => ({
      jobId: i.jobId,
      status: 'succeeded',
      trainedTokens: 36_000,
      estimatedFinish: null,
      fineTunedModel: 'ft:gpt-4o-mini-2024-07-18:tailor::mock',
      error: null,
      step: 30,
      trainLoss: 0.1,
      validLoss: 0.12,
      lastEvents: [],
      checkpoints: [],
    }),
    settleRunDuplicates: async (i) => ({ keptJobId: i.jobId, cancelledJobIds: [], deletedFileIds: [] }),
    saveJobMetrics: async () => fakeRef('metrics.csv'),
    registerModel: async () => undefined,
    recordApproval: async () => undefined,
    moveAlias: async (i) => {
      const key = `${i.pipeline}/${i.alias}`;
      const previous = aliases.get(key) ?? null;
      aliases.set(key, i.toModel);
      return { previous, changed: previous !== i.toModel };
    },
    smokeCheckAlias: async (i) => {
      const model = aliases.get(`${i.pipeline}/${i.alias}`);
      if (!model) throw ApplicationFailure.nonRetryable(`alias ${i.pipeline}/${i.alias} points at no model`);
      const score = world.smokeScore ?? scoreOf('fine-tuned');
      const outputs = fakeRef('smoke.jsonl', i.examples);
      return {
        variantId: `smoke-${i.alias}`,
        label: `smoke via ${i.alias}`,
        model,
        resolvedModel: model,
        score,
        correct: Math.round(score * i.examples),
        n: i.examples,
        interval: { low: score, high: score },
        promptTokens: 0,
        completionTokens: 0,
        outputs,
      };
    },
    notifyWebhook: async () => ({ status: 204 }),
  };
}
