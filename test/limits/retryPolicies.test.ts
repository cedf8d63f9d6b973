import fs from 'node:fs';
import path from 'node:path';
import { isFailureType } from '../../core/failures/failureTypes';
import { ACTIVITY_KINDS, ACTIVITY_RETRY_POLICIES, retryPolicy } from '../../core/activityOptions/activityTimeouts';
import { activityOptions } from '../../workflows/activityProxies';

/**
 * Retry policies come from one table beside the timeouts (core/activityOptions/activityTimeouts.ts): every kind of
 * work has one, and no workflow writes its own, so a provider call is retried alike in every workflow.
 */
const WORKFLOWS = path.resolve(__dirname, '../../workflows');

function workflowSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? workflowSources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('the retry-policy table', () => {
  it('has a policy for every kind of activity in the timeout table, and for the two with their own timeouts', () => {
    expect(Object.keys(ACTIVITY_RETRY_POLICIES).sort()).toEqual([...ACTIVITY_KINDS, 'indexBuild', 'training'].sort());
    for (const kind of ACTIVITY_KINDS) expect(activityOptions(kind).retry).toEqual(ACTIVITY_RETRY_POLICIES[kind]);
  });

  it('pins each policy', () => {
    const local = { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 };
    const backoff = (initialInterval: string, maximumAttempts: number) => ({
      initialInterval,
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts,
    });
    expect(ACTIVITY_RETRY_POLICIES).toEqual({
      data: local,
      providerCall: backoff('1s', 50),
      upload: backoff('1s', 50),
      evaluation: backoff('2s', 20),
      notify: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
      evalCases: local,
      evalShard: backoff('1s', 100),
      watch: local,
      schedule: local,
      sunset: backoff('2s', 10),
      indexBuild: { ...backoff('1s', 20), nonRetryableErrorTypes: ['InvalidDocuments'] },
      training: { ...backoff('5s', 20), nonRetryableErrorTypes: ['InvalidTrainingRequest'] },
    });
  });

  it('names only failure types of the failure table as non-retryable', () => {
    const named = Object.values(ACTIVITY_RETRY_POLICIES).flatMap((p) => p.nonRetryableErrorTypes ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((t) => !isFailureType(t))).toEqual([]);
  });

  it('is the only place a workflow gets a retry policy from, so providerCall is the same everywhere', () => {
    const literals = workflowSources(WORKFLOWS).flatMap((file) =>
      [
        ...fs
          .readFileSync(file, 'utf8')
          .matchAll(/maximumAttempts|backoffCoefficient|nonRetryableErrorTypes|retry: \{/g),
      ].map(() => path.relative(WORKFLOWS, file)),
    );
    expect(literals).toEqual([]);
  });

  it('hands out copies: a caller changing its policy does not change the table', () => {
    const p = retryPolicy('indexBuild', { maximumAttempts: 3 });
    p.nonRetryableErrorTypes!.push('Other');
    expect(p.maximumAttempts).toBe(3);
    expect(ACTIVITY_RETRY_POLICIES.indexBuild).toMatchObject({
      maximumAttempts: 20,
      nonRetryableErrorTypes: ['InvalidDocuments'],
    });
  });
});
