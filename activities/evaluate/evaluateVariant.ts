import { setMaxListeners } from 'node:events';
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import { parseJsonl, toEvalCase, type ChatMessage, type EvalCase } from '../../core/chat/chatExample';
import { mapBounded } from '../../core/concurrency/mapBounded';
import { scoreAnswer, wilsonInterval } from '../../core/eval/score';
import { inputText, withExamples } from '../../core/fewshot/renderExamples';
import { selectSeededRandom } from '../../core/fewshot/seededRandom';
import type { EvaluateVariantInput, VariantScore } from '../../core/evalSuite/evaluationTypes';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { artifactStore } from '../../stores/processStores';
import type { ArtifactBackend } from '../../stores/artifacts/artifactBackend';

async function loadCases(store: ArtifactBackend, ref: EvaluateVariantInput['test']): Promise<EvalCase[]> {
  const rows = parseJsonl<{ messages: ChatMessage[] }>(await store.readText(ref));
  return rows.map(toEvalCase).filter((c): c is EvalCase => c !== undefined);
}

/**
 * Scores one variant on the held-out split: every case through the provider's chat completions at temperature 0,
 * a bounded number in flight, progress heartbeated. Outputs are stored so the report can show each answer.
 */
export async function evaluateVariant(input: EvaluateVariantInput): Promise<VariantScore> {
  const store = artifactStore();
  const client = providerClient(input.provider);
  let cases = await loadCases(store, input.test);
  if (input.maxExamples) cases = cases.slice(0, input.maxExamples);
  const mode = input.variant.mode;
  const pool = mode.type === 'few-shot' ? await loadCases(store, mode.pool) : [];

  // Every request in flight listens on the one cancellation signal; more than Node's default 10 is expected here.
  const signal = cancellationSignal();
  setMaxListeners(0, signal);
  const outputs: { i: number; answer: string; reference: string; score: number }[] = new Array(cases.length);
  let promptTokens = 0;
  let completionTokens = 0;
  let done = 0;
  const score = async (c: EvalCase, i: number) => {
    const messages =
      mode.type === 'few-shot'
        ? withExamples(c.prompt, selectSeededRandom(pool, mode.k, mode.seed, inputText(c.prompt)))
        : c.prompt;
    const res = await callProvider(`chat completion (${input.variant.model})`, () =>
      client.chat.completions.create(
        {
          model: input.variant.model,
          messages: messages.map((m) => ({ role: m.role, content: m.content ?? '' })) as never,
          temperature: 0,
          seed: 0,
          max_completion_tokens: 64,
        },
        { signal },
      ),
    );
    const answer = res.choices[0]?.message.content ?? '';
    promptTokens += res.usage?.prompt_tokens ?? 0;
    completionTokens += res.usage?.completion_tokens ?? 0;
    outputs[i] = { i, answer, reference: c.reference, score: scoreAnswer(input.metric, answer, c.reference) };
    done++;
    heartbeat({ done, total: cases.length }); // the SDK throttles these to a fraction of the heartbeat timeout
  };
  // After a failure no case starts; the requests in flight finish before the activity fails.
  await mapBounded(cases, Math.max(1, input.concurrency), score, { onError: 'drain' });

  const correct = outputs.reduce((s, o) => s + o.score, 0);
  const ref = await store.put(outputs.map((o) => JSON.stringify(o)).join('\n') + '\n', {
    name: `${input.variant.id}-outputs.jsonl`,
    count: outputs.length,
  });
  return {
    variantId: input.variant.id,
    label: input.variant.label,
    model: input.variant.model,
    score: cases.length ? correct / cases.length : 0,
    correct,
    n: cases.length,
    interval: wilsonInterval(correct, cases.length),
    promptTokens,
    completionTokens,
    outputs: ref,
  };
}
