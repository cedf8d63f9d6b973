import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { parseJsonl } from '../../core/chat/chatExample';
import { mapBounded } from '../../core/concurrency/mapBounded';
import { parseAliasRef } from '../../core/deploy/aliasRef';
import { heldOutKeys, promptKey, uniquePrompts, type DistillPrompt } from '../../core/distill/distillPrompts';
import type { HeldOutRow, TeacherAnswers } from '../../core/distill/distillTypes';
import { teacherMessages } from '../../core/distill/teacherMessages';
import { costUsd } from '../../core/evalSuite/inferencePricing';
import { Failure } from '../../core/failures/failureTypes';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { DistillSpec } from '../../core/spec/distillSpec';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { artifactStore, registryBackend } from '../../stores/processStores';
import { chatCompletion, providerEndpoint } from '../evalSuite/providerCalls';
import { TeacherCache } from './teacherCache';

export interface AskTeacherInput {
  pipeline: string;
  distill: DistillSpec;
  /** The pipeline's provider: the teacher's when `distill.teacher.provider` is unset. */
  provider?: ProviderSpec;
  /** materializeDistillPrompts' output. */
  prompts: ArtifactRef;
}

/**
 * The model the spec's teacher names: a model ID as written, or the model NAME@ALIAS points at now. An alias that
 * names no model fails non-retryably before anything is asked, uploaded or trained.
 */
export async function resolveTeacher(pipeline: string, requested: string): Promise<string> {
  if (!requested.includes('@')) return requested;
  const ref = parseAliasRef(requested);
  const model = await (await registryBackend()).resolveAlias(ref.pipeline, ref.alias);
  if (model) return model;
  throw ApplicationFailure.create({
    message:
      `preflight: distill.teacher.model ${requested} names no model (pipeline ${ref.pipeline} has no ` +
      `'${ref.alias}' alias yet); nothing was uploaded or trained`,
    type: Failure.PreflightFailed,
    nonRetryable: true,
    details: [{ pipeline, teacher: requested }],
  });
}

/**
 * The teacher answers every unique prompt (bounded in flight, heartbeated), each answer cached by the request's
 * content so a retry or a rerun pays for nothing twice. The answers to the prompts not held out become the SFT
 * training file; the held-out ones, with their references and the teacher's tokens, are what the student is
 * compared on.
 */
export async function askTeacher(input: AskTeacherInput): Promise<TeacherAnswers> {
  const { distill } = input;
  const teacher = distill.teacher;
  const model = await resolveTeacher(input.pipeline, teacher.model);
  const provider = teacher.provider ?? input.provider;
  const store = artifactStore();
  const all = parseJsonl<DistillPrompt>(await store.readText(input.prompts));
  const prompts = uniquePrompts(all);
  const held = heldOutKeys(prompts, distill.heldOut, distill.seed);
  const pool = prompts.filter((p) => !held.has(promptKey(p)));
  const cache = new TeacherCache();
  const endpoint = providerEndpoint(provider);
  let calls = 0;
  let cached = 0;
  const asked = { promptTokens: 0, completionTokens: 0 };
  let done = 0;
  const answers = await mapBounded(
    prompts,
    distill.concurrency,
    async (p) => {
      const messages = teacherMessages(p, pool, teacher.prompt, distill.seed);
      const sampling = {
        temperature: teacher.temperature ?? 0,
        seed: 0,
        ...(teacher.maxTokens !== undefined ? { max_completion_tokens: teacher.maxTokens } : {}),
      };
      const key = TeacherCache.key({ endpoint, model, messages, ...sampling });
      let answer = await cache.get(key);
      if (answer) cached++;
      else {
        const res = await chatCompletion(provider, { model, messages, ...sampling }, `teacher answer (${model})`);
        answer = {
          text: res.text,
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
        };
        await cache.put(key, answer);
        calls++;
        asked.promptTokens += answer.promptTokens;
        asked.completionTokens += answer.completionTokens;
      }
      heartbeat({ done: ++done, total: prompts.length });
      return answer;
    },
    { onError: 'drain' },
  );

  const train: string[] = [];
  const heldOut: HeldOutRow[] = [];
  prompts.forEach((p, i) => {
    const a = answers[i]!;
    if (held.has(promptKey(p))) {
      heldOut.push({
        messages: p.messages,
        teacher: a.text,
        ...(p.reference !== undefined ? { reference: p.reference } : {}),
        promptTokens: a.promptTokens,
        completionTokens: a.completionTokens,
      });
    } else {
      train.push(JSON.stringify({ messages: [...p.messages, { role: 'assistant', content: a.text }] }));
    }
  });
  const trainRef = await store.put(train.join('\n') + '\n', { name: 'distill-train.jsonl', count: train.length });
  const heldRef = await store.put(heldOut.map((r) => JSON.stringify(r)).join('\n') + '\n', {
    name: 'distill-held-out.jsonl',
    count: heldOut.length,
  });
  const promptTokens = answers.reduce((n, a) => n + a.promptTokens, 0);
  const completionTokens = answers.reduce((n, a) => n + a.completionTokens, 0);
  const usd = costUsd(model, promptTokens, completionTokens);
  const spentUsd = costUsd(model, asked.promptTokens, asked.completionTokens);
  return {
    requested: teacher.model,
    model,
    prompts: all.length,
    unique: prompts.length,
    calls,
    cached,
    // The artifact's URI: prepare reads it from the artifact store on whichever host it runs.
    train: { path: trainRef.uri, sha256: trainRef.sha256, count: train.length },
    heldOut: heldRef,
    heldOutCount: heldOut.length,
    promptTokens,
    completionTokens,
    ...(usd !== undefined ? { usd } : {}),
    ...(spentUsd !== undefined ? { spentUsd } : {}),
  };
}
