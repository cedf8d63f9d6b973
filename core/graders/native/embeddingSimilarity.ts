import { cosine } from '../../fewshot/vectors';
import type { AssertionOf } from '../assertionSpec';
import type { GradeResult, GraderServices } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';

/** `embedding_similarity`: cosine of the output's and the reference's embeddings ≥ threshold. */
export async function gradeEmbeddingSimilarity(
  a: AssertionOf<'embedding_similarity'>,
  name: string,
  output: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'embed'>,
): Promise<GradeResult> {
  const want = renderGraderTemplate(a.value, ctx);
  let score: number;
  if (!output || !want) score = output === want ? 1 : 0;
  else {
    const [x, y] = await services.embed([output, want], a.model);
    score = cosine(x!, y!);
  }
  return {
    name,
    type: a.type,
    score,
    passed: score >= a.threshold,
    errored: false,
    detail: `cosine ${score.toFixed(4)} (${a.model}) vs threshold ${a.threshold}`,
  };
}
