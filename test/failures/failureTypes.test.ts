import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../core/failures/failure';
import { exitCodeFor, Failure, FAILURE_INFO, providerFailureType } from '../../core/failures/failureTypes';

const TRAINER = path.resolve(__dirname, '../../workers/trainer/tailor_trainer');

/** Each failure type the Python trainer raises: `type="X"` on an ApplicationError, or a CatalogError's 2nd argument. */
async function pythonFailureTypes(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const file of ['activities.py', 'catalog.py']) {
    const text = await fs.readFile(path.join(TRAINER, file), 'utf8');
    for (const m of text.matchAll(/ApplicationError\(.*\btype="([A-Za-z]+)"/g)) found.add(m[1]!);
    for (const m of text.matchAll(/raise CatalogError\((?:[^()]|\([^()]*\))*?"([A-Z][A-Za-z]+)",?\s*\)/gs))
      found.add(m[1]!);
  }
  return found;
}

describe('the failure-type table', () => {
  it('names every type by itself', () => {
    for (const [key, value] of Object.entries(Failure)) expect(value).toBe(key);
    expect(Object.keys(Failure).sort()).toEqual(Object.keys(FAILURE_INFO).sort());
  });

  it('holds every type the Python trainer raises, under the same name, marked as the trainer’s', async () => {
    const python = await pythonFailureTypes();
    expect([...python].sort()).toEqual([
      'BaseModelCorrupted',
      'BaseModelMissing',
      'BaseModelNotPrepared',
      'InvalidTrainingRequest',
      'TrainerShutdown',
      'UnknownBaseModel',
    ]);
    for (const t of python) expect(FAILURE_INFO).toHaveProperty([t, 'trainer'], true);
  });

  it('gives the exit code 2 to bad input only, and 1 to anything else', () => {
    expect(exitCodeFor(Failure.InvalidSuite)).toBe(2);
    expect(exitCodeFor(Failure.InvalidDocuments)).toBe(2);
    expect(exitCodeFor(Failure.BudgetExceeded)).toBe(1);
    expect(exitCodeFor('toString')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });

  it('makes typed ApplicationFailures, retryable as the table says', () => {
    const budget = failure(Failure.BudgetExceeded, 'over budget', { details: [{ budgetUsd: 1 }] });
    expect(budget).toBeInstanceOf(ApplicationFailure);
    expect(budget).toMatchObject({
      type: 'BudgetExceeded',
      nonRetryable: true,
      message: 'over budget',
      details: [{ budgetUsd: 1 }],
    });
    expect(failure(Failure.ServingUnavailable, 'later')).toMatchObject({
      type: 'ServingUnavailable',
      nonRetryable: false,
    });
    expect(failure(Failure.ServingUnavailable, 'never', { nonRetryable: true }).nonRetryable).toBe(true);
    expect([providerFailureType(404), providerFailureType(0)]).toEqual([Failure.Provider404, Failure.ProviderError]);
  });
});
