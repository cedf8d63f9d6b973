import { createHash } from 'node:crypto';
import { requireAllowedPath } from '../confinedPath';
import fs from 'node:fs/promises';
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { tokenCounter } from '../../core/dataset/tokenCounter';
import { CaseFileError, parseCaseFile, type SuiteCase } from '../../core/evalSuite/evalCase';
import type { LoadedTemplate } from '../../core/evalSuite/evalSuiteTypes';
import { excludeEvalCases, FewShotLeakError } from '../../core/fewshot/evalSplitGuard';
import type { FewShotExample } from '../../core/fewshot/fewShotExample';
import type { FewShotSpec } from '../../core/fewshot/fewShotSpec';
import { selectExamples } from '../../core/fewshot/selectExamples';
import { renderUserText, varsFromUserText } from '../../core/prompts/renderPrompt';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { artifactStore } from '../../stores/processStores';
import { embedTexts } from './embedTexts';
import { Failure } from '../../core/failures/failureTypes';

export interface SelectFewShotInput {
  /** Where examples come from: a JSONL file (chat or vars rows with an expected answer) or a stored split. */
  pool: { type: 'file'; path: string } | { type: 'artifact'; ref: ArtifactRef };
  /** The evaluation cases (SuiteCase JSONL from prepareEvalCases): examples are chosen per case, never from them. */
  cases: ArtifactRef;
  spec: FewShotSpec;
  /** Example turns are rendered (and their tokens counted) through this template's user part when given. */
  template?: LoadedTemplate;
  provider?: ProviderSpec;
}

export interface FewShotSelection {
  /** JSONL, one line per case: `{index, caseHash, examples: FewShotExample[], tokens}`. */
  selection: ArtifactRef;
  /** sha256 of the pool's bytes: with the spec, it versions the prompt. */
  poolSha256: string;
  poolSize: number;
  /** Pool examples dropped because their input is an evaluation case (content hash). */
  excluded: number;
  meanExamples: number;
  meanTokens: number;
}

/**
 * Picks few-shot examples for every evaluation case (fixed, seeded random, nearest by embeddings, or MMR, within
 * an optional token budget), after removing every pool example that is an evaluation case. Embeddings go through
 * the provider and are cached by content hash. The selection is stored as an artifact; history carries its ref.
 */
export async function selectFewShotExamples(input: SelectFewShotInput): Promise<FewShotSelection> {
  const store = artifactStore();
  if (input.pool.type === 'file') requireAllowedPath(input.pool.path, 'few-shot pool file');
  const poolText =
    input.pool.type === 'file' ? await fs.readFile(input.pool.path, 'utf8') : await store.readText(input.pool.ref);
  const poolName = input.pool.type === 'file' ? input.pool.path : input.pool.ref.uri;
  let poolCases: SuiteCase[];
  try {
    poolCases = parseCaseFile(poolText, poolName);
  } catch (err) {
    if (err instanceof CaseFileError)
      throw ApplicationFailure.nonRetryable(`few-shot pool: ${err.message}`, Failure.InvalidFewShotPool);
    throw err;
  }
  const cases = (await store.readText(input.cases))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SuiteCase);
  const all: FewShotExample[] = poolCases
    .filter((c) => c.expected !== undefined)
    .map((c, index) => ({ index, input: c.input, output: c.expected!, hash: c.inputHash }));
  const evalHashes = new Set(cases.map((c) => c.inputHash));
  const { pool, excluded } = excludeEvalCases(all, evalHashes);
  if (pool.length === 0)
    throw ApplicationFailure.nonRetryable(
      `few-shot pool ${poolName} has no usable example (${all.length} answered rows, ${excluded} of them ` +
        `evaluation cases)`,
      Failure.InvalidFewShotPool,
    );

  const s = input.spec.strategy;
  let poolVectors: number[][] | undefined;
  let caseVectors: number[][] | undefined;
  if (s.type === 'similar' || s.type === 'mmr') {
    poolVectors = await embedTexts(
      pool.map((e) => e.input),
      s.embeddingModel,
      input.provider,
    );
    caseVectors = await embedTexts(
      cases.map((c) => c.input),
      s.embeddingModel,
      input.provider,
    );
  }
  const counter = tokenCounter('o200k_base');
  const t = input.template?.template;
  const turnText = (e: FewShotExample) => (t ? renderUserText(t, varsFromUserText(t, e.input)) : e.input);
  const tokenMemo = new Map<number, number>();
  // 4 tokens of chat framing per message, as OpenAI's counting guide has it.
  const exampleTokens = (e: FewShotExample) =>
    tokenMemo.get(e.index) ??
    (tokenMemo.set(e.index, counter.count(turnText(e)) + counter.count(e.output) + 8), tokenMemo.get(e.index)!);

  const lines: string[] = [];
  let examplesTotal = 0;
  let tokensTotal = 0;
  cases.forEach((c, i) => {
    let picked;
    try {
      picked = selectExamples(
        input.spec,
        { pool, poolVectors, evalHashes, exampleTokens },
        { input: c.input, vector: caseVectors?.[i] },
      );
    } catch (err) {
      if (err instanceof FewShotLeakError || err instanceof RangeError) {
        throw ApplicationFailure.nonRetryable(
          err.message,
          err instanceof FewShotLeakError ? Failure.FewShotLeakError : Failure.RangeError,
        );
      }
      throw err;
    }
    examplesTotal += picked.examples.length;
    tokensTotal += picked.tokens;
    lines.push(JSON.stringify({ index: c.index, caseHash: c.hash, examples: picked.examples, tokens: picked.tokens }));
    if (i % 500 === 0) heartbeat({ selected: i, of: cases.length });
  });
  const selection = await store.put(lines.join('\n') + '\n', { name: 'fewshot-selection.jsonl', count: lines.length });
  return {
    selection,
    poolSha256: createHash('sha256').update(poolText).digest('hex'),
    poolSize: pool.length,
    excluded,
    meanExamples: cases.length ? examplesTotal / cases.length : 0,
    meanTokens: cases.length ? tokensTotal / cases.length : 0,
  };
}
