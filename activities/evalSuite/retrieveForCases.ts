import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { caseMessages } from '../../core/evalSuite/caseMessages';
import type { SuiteCase } from '../../core/evalSuite/evalCase';
import type { EvalVariant, RagSettings } from '../../core/evalSuite/evalSuiteTypes';
import { ragQuestion } from '../../core/evalSuite/ragMessages';
import type { FewShotExample } from '../../core/fewshot/fewShotExample';
import { IndexNotFoundError, OpenIndex } from '../rag/openIndex';
import { artifactStore } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';

export interface Retrieval {
  /** JSONL, one line per case: `{index, caseHash, passages: Passage[]}`. */
  retrieval: ArtifactRef;
  /** The index's manifest hash: with the settings, it versions the prompt (a rebuilt index is a new prompt). */
  manifestSha256: string;
  /** Mean passages retrieved per case. */
  meanPassages: number;
}

/**
 * Retrieves passages for every case of a RAG variant, once, before scoring: the question is the last user turn the
 * variant would send without retrieval. Stored as an artifact so every shard (and every retry) sees the same
 * passages; query embeddings go through the provider like every other call.
 */
export async function retrieveForCases(input: {
  variant: EvalVariant & { rag: RagSettings };
  cases: readonly SuiteCase[];
  examples?: Map<number, FewShotExample[]>;
  provider?: ProviderSpec;
}): Promise<Retrieval> {
  const { variant: v } = input;
  let index: OpenIndex;
  try {
    index = await OpenIndex.open(v.rag.index);
  } catch (err) {
    if (err instanceof IndexNotFoundError)
      throw ApplicationFailure.nonRetryable(`variant ${v.id}: ${err.message}`, Failure.InvalidSuite);
    throw err;
  }
  try {
    const lines: string[] = [];
    let total = 0;
    for (const c of input.cases) {
      let question: string;
      try {
        question = ragQuestion(caseMessages(v, c, input.examples?.get(c.index) ?? []));
      } catch {
        continue; // the case cannot be rendered; the shard reports it as errored
      }
      const passages = await index.retrieve(question, {
        k: v.rag.k,
        hybrid: v.rag.hybrid,
        ...(v.rag.mmrLambda !== undefined ? { mmrLambda: v.rag.mmrLambda } : {}),
        provider: input.provider,
      });
      total += passages.length;
      lines.push(JSON.stringify({ index: c.index, caseHash: c.hash, passages }));
      heartbeat({ retrieved: lines.length });
    }
    const retrieval = await artifactStore().put(lines.join('\n') + '\n', {
      name: 'rag-retrieval.jsonl',
      count: lines.length,
    });
    return { retrieval, manifestSha256: index.manifestSha256, meanPassages: lines.length ? total / lines.length : 0 };
  } finally {
    await index.close();
  }
}
