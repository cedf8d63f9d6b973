/**
 * The local backend's scores come from small CPU learners, not LLMs; reports say so, but only for runs it served, so
 * a real model's scores (self-hosted, OpenAI) are never labelled as stand-ins. Models the local backend trained carry
 * its organisation in their names (`ft:<base>:tailor-local:…`, LOCAL_ORG in providers/local/catalog/baseModels.ts).
 */
export const LOCAL_BACKEND_NOTE =
  "The local backend's models are small CPU learners (hashed n-gram classifiers and nearest-neighbour responders), " +
  'not LLMs; their scores show the pipeline works, not what a real model would reach.';

export function servedByLocalBackend(models: ReadonlyArray<string | null | undefined>): boolean {
  return models.some((m) => typeof m === 'string' && m.includes(':tailor-local:'));
}
