import fs from 'node:fs';
import type { google, temporal } from '@temporalio/proto';
import { WorkflowFailedError } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { ACTIVITY_KINDS } from '../../core/activityOptions/activityTimeouts';
import { activityOptions } from '../../workflows/activityProxies';
import { exampleSpecWith } from '../support/specFiles';
import { useHarness } from '../support/pipelineHarness';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Activity timeouts come from one table (core/activityOptions/activityTimeouts.ts) whose defaults are the values the
 * proxies had before it existed; a spec's `timeouts:` reaches every activity of the run, children included, as
 * Temporal records them in history. The backend here requires a token, which the worker sends as OPENAI_API_KEY.
 */
const seconds = (d: google.protobuf.IDuration | null | undefined) =>
  d ? Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9 : undefined;

describe('activity timeouts', () => {
  test("the table's defaults are the proxies' previous values", () => {
    const t = (kind: (typeof ACTIVITY_KINDS)[number], heartbeat?: string) => {
      const { retry: _retry, ...rest } = activityOptions(kind, undefined, { heartbeat });
      return rest;
    };
    expect(t('data')).toEqual({ startToCloseTimeout: '30 minutes', heartbeatTimeout: '2 minutes' });
    expect(t('providerCall')).toEqual({ startToCloseTimeout: '30 seconds' });
    expect(t('upload')).toEqual({ startToCloseTimeout: '2 hours', heartbeatTimeout: '30 seconds' });
    expect(t('evaluation')).toEqual({ startToCloseTimeout: '2 hours', heartbeatTimeout: '30 seconds' });
    expect(t('notify')).toEqual({ startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '1 day' });
    expect(t('evalCases')).toEqual({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes' });
    expect(t('evalShard', '30 seconds')).toEqual({ startToCloseTimeout: '2 hours', heartbeatTimeout: '30 seconds' });
    expect(t('watch')).toEqual({ startToCloseTimeout: '5 minutes' });
    expect(t('schedule')).toEqual({ startToCloseTimeout: '5 minutes' });
    expect(t('sunset')).toEqual({ startToCloseTimeout: '2 minutes' });
  });

  test(
    'a string override sets the attempt timeout; an object sets any of the three; a spec heartbeat beats the ' +
      'suite one',
    () => {
      expect(activityOptions('data', { data: '10m' })).toMatchObject({
        startToCloseTimeout: '10m',
        heartbeatTimeout: '2 minutes',
      });
      expect(activityOptions('notify', { notify: { scheduleToClose: '2 days' } })).toMatchObject({
        startToCloseTimeout: '30 seconds',
        scheduleToCloseTimeout: '2 days',
      });
      expect(
        activityOptions('evalShard', { evalShard: { heartbeat: '1 minute' } }, { heartbeat: '30 seconds' })
          .heartbeatTimeout,
      ).toBe('1 minute');
    },
  );

  test('a bad timeouts key or duration in a spec is refused with the key and the line', () => {
    const spec = exampleSpecWith({ baselines: { zeroShot: true } });
    const base = loadSpecFile(spec);
    fs.writeFileSync(spec, stringify({ ...base, timeouts: { data: 'soon' } }));
    expect(() => loadSpec(spec)).toThrow(SpecError);
    expect(() => loadSpec(spec)).toThrow(/timeouts\.data/);
    fs.writeFileSync(spec, stringify({ ...base, timeouts: { prepareDataset: '1m' } }));
    expect(() => loadSpec(spec)).toThrow(/prepareDataset/);
  });
});

function loadSpecFile(file: string): Record<string, unknown> {
  return parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The first failure in a cause chain with a `type` (the ApplicationFailure an activity threw). */
function typedCause(err: unknown): { type?: string; message: string } | undefined {
  for (let e = err as { type?: string; message: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    if (e.type) return e;
  return undefined;
}

describe('a pipeline spec with timeouts: and dataset.limits:, against a backend that requires a token', () => {
  // The harness's worker sends OPENAI_API_KEY=test-key-not-secret: the same value is the backend's token.
  const h = useHarness('timeouts', { backend: { token: 'test-key-not-secret' } });

  async function scheduled(
    workflowId: string,
  ): Promise<Map<string, temporal.api.history.v1.IActivityTaskScheduledEventAttributes>> {
    const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
    const out = new Map<string, temporal.api.history.v1.IActivityTaskScheduledEventAttributes>();
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name) out.set(a.activityType.name, a);
    }
    return out;
  }

  it("runs the whole journey with the spec's timeouts on every activity, children included", async () => {
    const spec = exampleSpecWith({
      name: 'timeouts-spec',
      baselines: { zeroShot: true },
      timeouts: {
        data: '45 minutes',
        providerCall: { startToClose: '40s' },
        upload: { startToClose: '3 hours', heartbeat: '45s' },
        evaluation: '90 minutes',
        evalCases: '20 minutes',
        evalShard: '3h',
      },
    });
    const started = await startPipeline(h.client, loadSpec(spec), { taskQueue: h.taskQueue });
    const result = await started.handle.result();
    expect(result.deploy.outcome).toBe('promoted');

    const run = await scheduled(result.runId);
    expect(seconds(run.get('prepareDataset')!.startToCloseTimeout)).toBe(45 * 60);
    expect(seconds(run.get('prepareDataset')!.heartbeatTimeout)).toBe(120); // not overridden: the table's
    expect(seconds(run.get('validateDataset')!.startToCloseTimeout)).toBe(45 * 60);

    const fineTune = await scheduled(`${result.runId}/fine-tune`);
    expect(seconds(fineTune.get('uploadTrainingFile')!.startToCloseTimeout)).toBe(3 * 3600);
    expect(seconds(fineTune.get('uploadTrainingFile')!.heartbeatTimeout)).toBe(45);
    expect(seconds(fineTune.get('findOrCreateJob')!.startToCloseTimeout)).toBe(40);
    expect(seconds(fineTune.get('getJobStatus')!.startToCloseTimeout)).toBe(40);

    const evaluation = await scheduled(`${result.runId}/evaluate`);
    expect(seconds(evaluation.get('prepareEvalCases')!.startToCloseTimeout)).toBe(20 * 60);
    expect(seconds(evaluation.get('evaluateShard')!.startToCloseTimeout)).toBe(3 * 3600);
    // the suite's execution.heartbeatTimeout
    expect(seconds(evaluation.get('evaluateShard')!.heartbeatTimeout)).toBe(30);

    const deploy = await scheduled(`${result.runId}/deploy`);
    expect(seconds(deploy.get('moveAlias')!.startToCloseTimeout)).toBe(45 * 60);
    expect(seconds(deploy.get('smokeCheckAlias')!.startToCloseTimeout)).toBe(90 * 60);
  });

  it(
    'dataset.limits in the spec fails the run at prepare with the place and the key, before anything is ' + 'uploaded',
    async () => {
      const spec = exampleSpecWith({ name: 'limits-spec', baselines: { zeroShot: true } });
      const yaml = loadSpecFile(spec) as { dataset: Record<string, unknown> };
      fs.writeFileSync(spec, stringify({ ...yaml, dataset: { ...yaml.dataset, limits: { maxExamples: 25 } } }));
      const files = async () =>
        (
          (await (
            await fetch(`${h.backend.baseURL}/files`, { headers: { authorization: 'Bearer test-key-not-secret' } })
          ).json()) as { data: unknown[] }
        ).data.length;
      const before = await files();
      const started = await startPipeline(h.client, loadSpec(spec), { taskQueue: h.taskQueue });
      const err = await started.handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = typedCause(err);
      expect(cause?.type).toBe(Failure.InvalidDataset);
      expect(cause?.message).toMatch(/tickets\.jsonl:26: more than 25 examples \(dataset\.limits\.maxExamples\)$/);
      expect(await files()).toBe(before);
    },
  );
});
