import type { ChatMessage, EvalCase } from '../chat/chatExample';
import { inputText, withExamples } from '../fewshot/renderExamples';
import { selectSeededRandom } from '../fewshot/seededRandom';
import type { TeacherPrompt } from '../spec/distillSpec';
import { promptKey, type DistillPrompt } from './distillPrompts';

/**
 * What the teacher is sent for one prompt: the spec's `system` in place of the prompt's own, and `fewShot` worked
 * examples (seeded by the prompt's content) from `pool`, never the prompt itself. The student is later asked the
 * prompt's own messages, so whatever the teacher's prompt adds is what distillation teaches.
 */
export function teacherMessages(
  prompt: DistillPrompt,
  pool: readonly DistillPrompt[],
  options: TeacherPrompt | undefined,
  seed: string,
): ChatMessage[] {
  const own = options?.system
    ? [{ role: 'system' as const, content: options.system }, ...prompt.messages.filter((m) => !isSystem(m))]
    : prompt.messages;
  const k = options?.fewShot ?? 0;
  if (k === 0) return own;
  const key = promptKey(prompt);
  const candidates: EvalCase[] = pool
    .filter((p) => p.reference !== undefined && promptKey(p) !== key)
    .map((p) => ({ prompt: p.messages, reference: p.reference! }));
  return withExamples(own, selectSeededRandom(candidates, k, seed, inputText(own)));
}

function isSystem(m: ChatMessage): boolean {
  return m.role === 'system' || m.role === 'developer';
}
