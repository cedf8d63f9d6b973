import { Context, heartbeat } from '@temporalio/activity';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { canonicalJson } from '../../core/dataset/canonicalJson';
import { cacheKey, completionGrader, gradeGrader, sha256 } from '../../core/evalSuite/cacheKeys';
import { caseMessages } from '../../core/evalSuite/caseMessages';
import { clip, type CaseResult } from '../../core/evalSuite/caseResult';
import type { SuiteCase } from '../../core/evalSuite/evalCase';
import type { EvalVariant, TokenPrice } from '../../core/evalSuite/evalSuiteTypes';
import { mapBounded } from '../../core/concurrency/mapBounded';
import { costUsd } from '../../core/evalSuite/inferencePricing';
import { assertionNames, usesProvider, type Assertion } from '../../core/graders/assertionSpec';
import { gradeOne, itemStatus } from '../../core/graders/gradeCase';
import { failedGrade, type GradeResult, type GraderServices, type Sample } from '../../core/graders/gradeTypes';
import { artifactStore } from '../../stores/processStores';
import { embedTexts } from '../fewshot/embedTexts';
import { loadCases, loadRetrieval, loadSelection } from './caseStore';
import { ragMessages } from '../../core/evalSuite/ragMessages';
import { completionCache, gradeCache } from '../../stores/cache/keyedCache';
import { chatCompletion, isCaseLevelFailure, providerEndpoint } from './providerCalls';

export interface EvaluateShardInput {
  variant: EvalVariant;
  promptVersion: string;
  /** SuiteCase JSONL; this shard scores cases [start, end). */
  cases: ArtifactRef;
  start: number;
  end: number;
  /** Few-shot selection from prepareEvalVariant. */
  fewShot?: ArtifactRef;
  /** A RAG variant's passages per case, from prepareEvalVariant. */
  retrieval?: ArtifactRef;
  /** Suite-wide assertions (cases add their own). */
  assertions: Assertion[];
  /** Requests in flight in this shard. */
  concurrency: number;
  pricing?: Record<string, TokenPrice>;
  graderModels?: Record<string, string>;
  provider?: ProviderSpec;
}

export interface EvaluateShardResult {
  /** CaseResult JSONL for the shard's cases, in case order. */
  results: ArtifactRef;
  n: number;
  passed: number;
  errored: number;
  /** Answers this attempt requested from the provider (0 on a resumed shard whose cases were all finished). */
  providerCalls: number;
  cacheHits: number;
}

/** What the completion cache stores for a finished answer. */
interface StoredAnswer {
  output_text: string;
  model: string;
  finishReason: string | null;
  latencyMs: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/**
 * Scores one shard of cases for one variant. Every finished answer, and every grade that called a model, is
 * stored in the result cache under (endpoint, model, prompt version, case hash, grader) before the shard moves on,
 * so a retried shard, or one resumed on another worker after this one died, pays the provider only for cases not
 * yet finished. A provider error that concerns one case (400/422) marks that case errored; a retryable one (429,
 * 5xx, connection) stops new requests, lets the ones in flight finish and be cached, then fails the attempt so
 * Temporal retries it after the provider's retry-after.
 */
export async function evaluateShard(input: EvaluateShardInput): Promise<EvaluateShardResult> {
  const v = input.variant;
  const all = await loadCases(input.cases);
  const cases = all.slice(input.start, input.end);
  const selection = input.fewShot ? await loadSelection(input.fewShot) : undefined;
  const retrieved = input.retrieval ? await loadRetrieval(input.retrieval) : undefined;
  const endpoint = providerEndpoint(input.provider);
  const completions = completionCache();
  const grades = gradeCache();
  const results: CaseResult[] = new Array(cases.length);
  let providerCalls = 0;
  let cacheHits = 0;
  let done = 0;
  const keyOf = (c: SuiteCase, grader: string) =>
    cacheKey({ endpoint, model: v.model, promptVersion: input.promptVersion, caseHash: c.hash, grader });

  const services = (c: SuiteCase): GraderServices => ({
    judge: async (req) => {
      const a = await chatCompletion(
        input.provider,
        { model: req.model, messages: req.messages, ...req.sampling, jsonSchema: req.jsonSchema },
        `judge (${req.model})`,
      );
      return { text: a.text, refusal: a.refusal, model: a.model, usage: a.usage };
    },
    embed: (texts, model) => embedTexts(texts, model, input.provider),
    generate: async (messages) => {
      const key = keyOf(c, `counterfactual:${sha256(canonicalJson(messages)).slice(0, 16)}`);
      const hit = await completions.get<StoredAnswer>(key);
      if (hit) return hit.output_text;
      const a = await chatCompletion(
        input.provider,
        {
          model: v.model,
          messages,
          temperature: v.sampling.temperature,
          seed: v.sampling.seed,
          max_completion_tokens: v.sampling.maxCompletionTokens,
        },
        `chat completion (${v.model})`,
      );
      await completions.put(key, {
        output_text: a.text,
        model: a.model,
        finishReason: a.finishReason,
        latencyMs: a.latencyMs,
        usage: a.usage,
      } satisfies StoredAnswer);
      return a.text;
    },
  });

  const scoreCase = async (c: SuiteCase, i: number) => {
    const examples = selection?.get(c.index) ?? [];
    const base = {
      variantId: v.id,
      model: v.model,
      promptVersion: input.promptVersion,
      index: c.index,
      caseId: c.id,
      caseHash: c.hash,
      input: clip(c.input),
      ...(c.expected !== undefined ? { expected: c.expected } : {}),
      ...(examples.length ? { examples: examples.map((e) => e.index) } : {}),
    };
    let messages;
    try {
      messages = caseMessages(v, c, examples);
      if (retrieved && v.rag) messages = ragMessages(messages, retrieved.get(c.index) ?? [], v.rag);
    } catch (err) {
      // A case that brings its own answer needs no prompt; judges then see its input as the task.
      if (!c.sample) {
        results[i] = {
          ...base,
          output: '',
          error: (err as Error).message,
          cached: false,
          grades: [],
          status: 'error',
          score: 0,
        };
        return;
      }
      messages = [{ role: 'user' as const, content: c.input }];
    }
    let answer: StoredAnswer | undefined;
    let cached = true;
    if (c.sample) {
      answer = { output_text: c.sample.output_text, model: v.model, finishReason: null, latencyMs: 0 };
    } else {
      const key = keyOf(c, completionGrader(v.sampling));
      answer = await completions.get<StoredAnswer>(key);
      if (!answer) {
        cached = false;
        try {
          const a = await chatCompletion(
            input.provider,
            {
              model: v.model,
              messages,
              temperature: v.sampling.temperature,
              seed: v.sampling.seed,
              max_completion_tokens: v.sampling.maxCompletionTokens,
            },
            `chat completion (${v.model})`,
          );
          answer = {
            output_text: a.text,
            model: a.model,
            finishReason: a.finishReason,
            latencyMs: a.latencyMs,
            usage: a.usage && { prompt_tokens: a.usage.prompt_tokens, completion_tokens: a.usage.completion_tokens },
          };
          await completions.put(key, answer);
          providerCalls++;
        } catch (err) {
          if (!isCaseLevelFailure(err)) throw err;
          results[i] = {
            ...base,
            output: '',
            error: err.message,
            cached: false,
            grades: [],
            status: 'error',
            score: 0,
          };
          return;
        }
      } else cacheHits++;
    }
    const sample = toSample(answer.output_text);
    const cost = answer.usage
      ? costUsd(v.model, answer.usage.prompt_tokens, answer.usage.completion_tokens, input.pricing)
      : undefined;
    const assertions = [...input.assertions, ...(c.assert ?? [])];
    const names = assertionNames(assertions);
    const gradeInput = {
      item: c.item,
      sample,
      messages,
      latencyMs: c.sample ? undefined : answer.latencyMs,
      costUsd: cost,
    };
    const out: GradeResult[] = [];
    for (let k = 0; k < assertions.length; k++) {
      const a = assertions[k]!;
      if (!usesProvider(a)) {
        out.push(await gradeOne(a, names[k]!, gradeInput, services(c), { modelAliases: input.graderModels }));
        continue;
      }
      const key = keyOf(c, gradeGrader(a, answer.output_text));
      let g = await grades.get<GradeResult>(key);
      if (!g) {
        try {
          g = await gradeOne(a, names[k]!, gradeInput, services(c), { modelAliases: input.graderModels });
        } catch (err) {
          if (!isCaseLevelFailure(err)) throw err;
          g = failedGrade(names[k]!, a.type, 'model_grader_server_error', err.message);
        }
        await grades.put(key, g);
      }
      out.push({ ...g, name: names[k]! });
    }
    const status = itemStatus(out);
    results[i] = {
      ...base,
      output: answer.output_text,
      latencyMs: c.sample ? undefined : answer.latencyMs,
      ...(answer.usage ? { usage: answer.usage } : {}),
      ...(cost !== undefined ? { costUsd: cost } : {}),
      cached,
      grades: out,
      status,
      score: out.length ? out.reduce((s, g) => s + g.score, 0) / out.length : status === 'pass' ? 1 : 0,
    };
  };

  // Throttled by the SDK; the live view reads `variant` and `done` (cli/stack/evalShardsInFlight.ts).
  const beat = () => heartbeat({ variant: v.id, done, total: cases.length, providerCalls, cacheHits });
  // Liveness, not only progress: one answer may take longer than the heartbeat timeout (a CPU model on a loaded
  // machine), so the shard also heartbeats on a timer; a lost worker still goes quiet and is retried.
  const alive = setInterval(beat, Math.max(200, (Context.current().info.heartbeatTimeoutMs ?? 30_000) / 3));
  try {
    // After a failure no lane takes another case; the others finish (and cache) what they have in flight, then
    // the first failure goes back to Temporal as it is: retryable ones (429, 5xx, lost connections) and permanent.
    const score = async (c: SuiteCase, i: number) => {
      await scoreCase(c, i);
      done++;
      beat();
    };
    await mapBounded(cases, Math.max(1, input.concurrency), score, { onError: 'drain' });
  } finally {
    clearInterval(alive);
  }
  Context.current().log.debug('shard finished', {
    variant: v.id,
    start: input.start,
    end: input.end,
    providerCalls,
    cacheHits,
  });
  const ref = await artifactStore().put(results.map((r) => JSON.stringify(r)).join('\n') + '\n', {
    name: `${v.id}-${input.start}-${input.end}.jsonl`,
    count: results.length,
  });
  return {
    results: ref,
    n: results.length,
    passed: results.filter((r) => r.status === 'pass').length,
    errored: results.filter((r) => r.status === 'error').length,
    providerCalls,
    cacheHits,
  };
}

/** The grader's `sample`: output_text, and output_json when the answer parses as JSON (as the run API does). */
function toSample(text: string): Sample {
  const s: Sample = { output_text: text };
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      s.output_json = JSON.parse(t);
    } catch {
      // not JSON after all
    }
  }
  return s;
}
