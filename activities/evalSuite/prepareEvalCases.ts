import fs from 'node:fs/promises';
import { requireAllowedPath } from '../confinedPath';
import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { CaseFileError, parseCaseFile, selectCases, type SuiteCase } from '../../core/evalSuite/evalCase';
import type { CaseSelection, CaseSource } from '../../core/evalSuite/evalSuiteTypes';
import { artifactStore } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';

export interface PrepareEvalCasesInput {
  source: CaseSource & CaseSelection;
}

export interface PreparedEvalCases {
  /** SuiteCase JSONL (core/evalSuite/evalCase.ts), one line per selected case. */
  cases: ArtifactRef;
  count: number;
  /** How many cases of each row shape: a variant without a template cannot render vars/item rows. */
  shapes: Record<SuiteCase['shape'], number>;
  /** Cases carrying their own answer (graded without a model call). */
  withSample: number;
  /** Cases with per-case assertions. */
  withAssertions: number;
}

/**
 * Reads the suite's cases (a JSONL file on this worker's disk, or a stored split), validates every line, applies
 * the suite's selection, and stores the normalised cases; history carries only the ref. A bad file fails the run
 * at once (non-retryable), naming each bad line.
 */
export async function prepareEvalCases(input: PrepareEvalCasesInput): Promise<PreparedEvalCases> {
  const store = artifactStore();
  const src = input.source;
  let text: string;
  let name: string;
  if (src.type === 'file') {
    name = src.path;
    requireAllowedPath(src.path, 'eval cases file');
    try {
      text = await fs.readFile(src.path, 'utf8');
    } catch (err) {
      throw ApplicationFailure.nonRetryable(
        `cannot read eval cases ${src.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        Failure.InvalidEvalCases,
      );
    }
  } else if (src.type === 'artifact') {
    name = src.ref.uri;
    text = await store.readText(src.ref);
  } else {
    throw ApplicationFailure.nonRetryable(
      `the suite reads the '${src.split}' split, which only a pipeline run provides`,
      Failure.InvalidEvalCases,
    );
  }
  let cases: SuiteCase[];
  try {
    cases = selectCases(parseCaseFile(text, name), src);
  } catch (err) {
    if (err instanceof CaseFileError)
      throw ApplicationFailure.nonRetryable(err.message, Failure.InvalidEvalCases, err.problems);
    throw err;
  }
  if (cases.length === 0)
    throw ApplicationFailure.nonRetryable(`${name} holds no eval cases`, Failure.InvalidEvalCases);
  const shapes = { chat: 0, vars: 0, item: 0 };
  for (const c of cases) shapes[c.shape]++;
  const ref = await store.put(cases.map((c) => JSON.stringify(c)).join('\n') + '\n', {
    name: 'eval-cases.jsonl',
    count: cases.length,
  });
  return {
    cases: ref,
    count: cases.length,
    shapes,
    withSample: cases.filter((c) => c.sample).length,
    withAssertions: cases.filter((c) => c.assert?.length).length,
  };
}
