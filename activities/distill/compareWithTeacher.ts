import { heartbeat } from '@temporalio/activity';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { parseJsonl } from '../../core/chat/chatExample';
import { mapBounded } from '../../core/concurrency/mapBounded';
import { compareAnswers, perThousand } from '../../core/distill/distillComparison';
import type { DistillComparison, HeldOutRow } from '../../core/distill/distillTypes';
import { scoreAnswer } from '../../core/eval/score';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { artifactStore } from '../../stores/processStores';
import { chatCompletion } from '../evalSuite/providerCalls';

export interface CompareWithTeacherInput {
  /** The fine-tuned student. */
  student: string;
  /** The pipeline's provider (where the student is served). */
  provider?: ProviderSpec;
  teacher: string;
  /** askTeacher's held-out rows. */
  heldOut: ArtifactRef;
  metric: 'exact_match' | 'contains';
  concurrency: number;
  /** Longest student answer, in tokens. @default 256 */
  maxTokens?: number;
}

/**
 * The student answers each held-out prompt zero-shot (its own messages, temperature 0); its answers are scored
 * against the teacher's (agreement) and against the references (accuracy, both models), and each side's tokens give
 * its cost per 1,000 requests. Every pair of answers is stored for the report.
 */
export async function compareWithTeacher(input: CompareWithTeacherInput): Promise<DistillComparison> {
  const store = artifactStore();
  const rows = parseJsonl<HeldOutRow>(await store.readText(input.heldOut));
  let done = 0;
  const student = await mapBounded(
    rows,
    input.concurrency,
    async (r) => {
      const res = await chatCompletion(
        input.provider,
        {
          model: input.student,
          messages: r.messages,
          temperature: 0,
          seed: 0,
          max_completion_tokens: input.maxTokens ?? 256,
        },
        `student answer (${input.student})`,
      );
      heartbeat({ done: ++done, total: rows.length });
      return {
        text: res.text,
        promptTokens: res.usage?.prompt_tokens ?? 0,
        completionTokens: res.usage?.completion_tokens ?? 0,
      };
    },
    { onError: 'drain' },
  );
  const pairs = rows.map((r, i) => ({
    teacher: r.teacher,
    student: student[i]!.text,
    ...(r.reference !== undefined ? { reference: r.reference } : {}),
  }));
  const c = compareAnswers(pairs, input.metric);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const outputs = await store.put(
    pairs
      .map((p, i) => JSON.stringify({ i, ...p, agrees: scoreAnswer(input.metric, p.student, p.teacher) === 1 }))
      .join('\n') + '\n',
    { name: 'distill-comparison.jsonl', count: pairs.length },
  );
  return {
    metric: input.metric,
    heldOut: rows.length,
    withReference: c.withReference,
    agreement: c.agreement,
    agreementInterval: c.agreementInterval,
    teacher: perThousand(
      input.teacher,
      rows.length,
      sum(rows.map((r) => r.promptTokens)),
      sum(rows.map((r) => r.completionTokens)),
      c.teacherAccuracy,
    ),
    student: perThousand(
      input.student,
      rows.length,
      sum(student.map((s) => s.promptTokens)),
      sum(student.map((s) => s.completionTokens)),
      c.studentAccuracy,
    ),
    outputs,
  };
}
