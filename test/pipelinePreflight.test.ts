import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Registry } from '../stores/registry/registryDb';
import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec } from '../config/loadSpec';
import { preflightProblems } from '../core/pipeline/preflight';
import { sdk } from './support/backendAdmin';
import { useHarness } from './support/pipelineHarness';
import { exampleSpecWith } from './support/specFiles';
import { Failure } from '../core/failures/failureTypes';

function innermost(err: unknown): { message: string; type?: string; nonRetryable?: boolean } {
  let e = err as { message: string; type?: string; cause?: unknown };
  while (e.cause) e = e.cause as typeof e;
  return e;
}

describe('preflight findings', () => {
  const ok = {
    pipeline: 'p',
    baseModel: { id: 'b', present: true },
    alias: { name: 'prod', model: null, present: null },
  };
  it('no alias yet and a known base model pass; a missing alias model or base model is named', () => {
    expect(preflightProblems(ok)).toEqual([]);
    expect(preflightProblems({ ...ok, baseModel: { id: 'b', present: null } })).toEqual([]); // not asked
    const [alias] = preflightProblems({ ...ok, alias: { name: 'prod', model: 'ft:gone', present: false } });
    expect(alias).toMatch(/^the 'prod' alias of pipeline p names ft:gone, which the provider no longer has/);
    expect(preflightProblems({ ...ok, baseModel: { id: 'b', present: false } })).toEqual([
      'the base model b (spec baseModel) is not known to the provider',
    ]);
  });
});

/** The run fails before its first paid step when it could only fail later: nothing uploaded, no job. */
describe('customizationPipeline preflight', () => {
  const h = useHarness('pipeline-preflight');

  const fails = async (spec: Record<string, unknown>) => {
    const loaded = loadSpec(exampleSpecWith(spec));
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue, rerun: true });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const api = sdk(h.backend.baseURL);
    expect((await api.files.list({ purpose: 'fine-tune' })).data).toHaveLength(0);
    expect((await api.fineTuning.jobs.list()).data).toHaveLength(0);
    return innermost(err);
  };

  it('the prod alias names a model the provider no longer has: fails before upload, naming both', async () => {
    const r = new Registry(path.join(h.home, 'registry.db'));
    try {
      const toModel = 'ft:gpt-4o-mini:tailor:deleted:abc';
      r.moveAlias({ pipeline: 'preflight-gone', alias: 'prod', toModel, who: 'test', why: 'setup', runId: null });
    } finally {
      r.close();
    }
    const cause = await fails({ name: 'preflight-gone' });
    expect(cause.type).toBe(Failure.PreflightFailed);
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(
      "the 'prod' alias of pipeline preflight-gone names ft:gpt-4o-mini:tailor:deleted:abc, " +
        'which the provider no longer has',
    );
    expect(cause.message).toMatch(/nothing was uploaded or trained$/);
  });

  it('a base model the provider does not know: fails before upload', async () => {
    const cause = await fails({ name: 'preflight-base', baseModel: 'gpt-4o-mini-1999-01-01' });
    expect(cause.type).toBe(Failure.PreflightFailed);
    expect(cause.message).toContain(
      'the base model gpt-4o-mini-1999-01-01 (spec baseModel) is not known to the provider',
    );
  });
});
