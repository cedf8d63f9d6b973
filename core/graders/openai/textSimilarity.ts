import { cosine } from '../../fewshot/vectors';
import type { GradeResult, GraderServices } from '../gradeTypes';
import { bleu } from '../metrics/bleu';
import { fuzzyRatio } from '../metrics/fuzzyMatch';
import { gleu } from '../metrics/gleu';
import { meteor } from '../metrics/meteor';
import { rouge } from '../metrics/rouge';
import { renderGraderTemplate, type TemplateContext } from '../template';
import type { SimilarityMetric, TextSimilarityGrader } from './openaiGraderSchemas';

export const DEFAULT_COSINE_MODEL = 'text-embedding-3-large';

/**
 * `text_similarity`: passed = score ≥ pass_threshold; without a threshold (RFT
 * configs) the pass rule is score ≥ 0.5, the middle of the range (a recorded choice).
 */
export async function gradeTextSimilarity(
  g: TextSimilarityGrader,
  name: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'embed'>,
): Promise<GradeResult> {
  const input = renderGraderTemplate(g.input, ctx);
  const reference = renderGraderTemplate(g.reference, ctx);
  const score = await similarity(
    g.evaluation_metric,
    input,
    reference,
    services,
    g.embedding_model ?? DEFAULT_COSINE_MODEL,
  );
  const threshold = g.pass_threshold ?? 0.5;
  return {
    name,
    type: g.type,
    score,
    passed: score >= threshold,
    errored: false,
    detail: `${g.evaluation_metric} ${score.toFixed(4)} vs threshold ${threshold}`,
  };
}

export async function similarity(
  metric: SimilarityMetric,
  input: string,
  reference: string,
  services: Pick<GraderServices, 'embed'>,
  embeddingModel = DEFAULT_COSINE_MODEL,
): Promise<number> {
  switch (metric) {
    case 'fuzzy_match':
      return fuzzyRatio(input, reference);
    case 'bleu':
      return bleu(input, reference);
    case 'gleu':
      return gleu(input, reference);
    case 'meteor':
      return meteor(input, reference);
    case 'cosine': {
      // The embeddings endpoint rejects empty input: two empty texts are identical, one empty text shares nothing.
      if (!input || !reference) return input === reference ? 1 : 0;
      const [a, b] = await services.embed([input, reference], embeddingModel);
      return cosine(a!, b!);
    }
    default:
      return rouge(metric, input, reference);
  }
}
