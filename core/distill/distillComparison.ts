import { scoreAnswer, wilsonInterval, type Metric } from '../eval/score';
import { costUsd } from '../evalSuite/inferencePricing';
import type { DistillSide } from './distillTypes';

/** One held-out prompt's answers. */
export interface AnswerPair {
  teacher: string;
  student: string;
  reference?: string;
}

/** Agreement (student matches teacher) over every pair; each side's accuracy over the pairs with a reference. */
export function compareAnswers(
  pairs: readonly AnswerPair[],
  metric: Metric,
): {
  agreed: number;
  agreement: number;
  agreementInterval: { low: number; high: number };
  withReference: number;
  teacherAccuracy?: number;
  studentAccuracy?: number;
} {
  const agreed = pairs.reduce((n, p) => n + scoreAnswer(metric, p.student, p.teacher), 0);
  const refs = pairs.filter((p): p is AnswerPair & { reference: string } => p.reference !== undefined);
  const accuracy = (pick: (p: AnswerPair) => string) =>
    refs.length ? refs.reduce((n, p) => n + scoreAnswer(metric, pick(p), p.reference), 0) / refs.length : undefined;
  const teacherAccuracy = accuracy((p) => p.teacher);
  const studentAccuracy = accuracy((p) => p.student);
  return {
    agreed,
    agreement: pairs.length ? agreed / pairs.length : 0,
    agreementInterval: wilsonInterval(agreed, pairs.length),
    withReference: refs.length,
    ...(teacherAccuracy !== undefined ? { teacherAccuracy } : {}),
    ...(studentAccuracy !== undefined ? { studentAccuracy } : {}),
  };
}

/** A model's serving cost per 1,000 requests from what `n` requests used (list prices; no price → tokens only). */
export function perThousand(
  model: string,
  n: number,
  promptTokens: number,
  completionTokens: number,
  accuracy?: number,
): DistillSide {
  const scale = n ? 1000 / n : 0;
  const usd = costUsd(model, promptTokens * scale, completionTokens * scale);
  return {
    model,
    ...(accuracy !== undefined ? { accuracy } : {}),
    tokensPer1k: Math.round((promptTokens + completionTokens) * scale),
    ...(usd !== undefined ? { usdPer1k: usd } : {}),
  };
}
