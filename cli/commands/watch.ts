import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { loadSpec, SpecError, type LoadedSpec, clientResolved } from '../../config/loadSpec';
import { parseDuration } from '../../core/operations/duration';
import { watcherIdFor } from '../../core/operations/pipelineRunId';
import { TASK_QUEUE } from '../../workers/taskQueue';
import {
  datasetWatcherWorkflow,
  stopWatchSignal,
  type DatasetWatcherInput,
} from '../../workflows/datasetWatcherWorkflow';
import { requireFileDataset } from '../../config/fileDatasetOnly';
import { TailorPipeline } from '../../core/operations/searchAttributes';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

export function loadWatchedSpec(file: string | undefined): LoadedSpec {
  if (!file) throw new UsageError('--spec FILE is required');
  try {
    return requireFileDataset(loadSpec(file), 'watcher');
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(err.message);
    throw err;
  }
}

/** The options `watch` and `notify-change` share: the spec, the tick interval, the action and the debounce. */
export const WATCHER_OPTIONS = {
  spec: { type: 'string' },
  every: { type: 'string' },
  'on-change': { type: 'string' },
  debounce: { type: 'string' },
} as const;

export function watcherOptions(values: { spec?: string; every?: string; 'on-change'?: string; debounce?: string }): {
  loaded: LoadedSpec;
  onChange: 'evaluate' | 'retrain';
  everyMs: number;
  debounceMs: number;
} {
  const loaded = loadWatchedSpec(values.spec);
  const onChange = values['on-change'] ?? 'evaluate';
  if (onChange !== 'evaluate' && onChange !== 'retrain')
    throw new UsageError(`--on-change must be evaluate or retrain, got '${onChange}'`);
  return {
    loaded,
    onChange,
    everyMs: durationOption('every', values.every, 60_000),
    debounceMs: durationOption('debounce', values.debounce, 0),
  };
}

export function durationOption(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--${name} expects a duration like 2s, 5m or 1h, got '${value}'`);
  return ms;
}

/** The watcher's start options, shared with `tailor notify-change` (which may start it through signal-with-start). */
export function watcherStart(loaded: LoadedSpec, input: DatasetWatcherInput) {
  return {
    workflowId: watcherIdFor(loaded.spec.name),
    taskQueue: TASK_QUEUE,
    args: [input] as [DatasetWatcherInput],
    typedSearchAttributes: [{ key: TailorPipeline, value: loaded.spec.name }],
  };
}

export const command: CliCommand = {
  name: 'watch',
  summary: "start (or --stop) the pipeline's dataset watcher: evaluate or retrain once per data change",
  help: `Usage: tailor watch --spec FILE --every D [--on-change evaluate|retrain] [--debounce D]
       tailor watch --stop --spec FILE

Starts one datasetWatcherWorkflow for the spec's pipeline (its workflow ID is watch-<pipeline>; a second watcher
for the same pipeline is refused). Each tick it fingerprints the dataset (size and mtime, then sha256 when they
moved). A change that stays quiet for the debounce window starts one evaluation of the current prod model on the
new data (--on-change evaluate, the default) or one pipeline run (retrain), named by the new dataset hash.
  --every D      time between ticks (default 1m)
  --debounce D   quiet time before a change triggers (default 0s; further changes restart the window)
Durations: 500ms, 2s, 5m, 1h.

Example: tailor watch --spec examples/support-tickets/pipeline.yaml --every 30s --debounce 2m`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { ...WATCHER_OPTIONS, stop: { type: 'boolean' } }, false);
    const { loaded, onChange, everyMs, debounceMs } = watcherOptions(values);
    const { client, connection } = await connectClient(await clientTarget());
    const id = watcherIdFor(loaded.spec.name);
    try {
      if (values.stop) {
        try {
          await client.workflow.getHandle(id).signal(stopWatchSignal);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError)
            throw new UsageError(`no watcher is running for ${loaded.spec.name}`, 1);
          throw err;
        }
        console.log(`watcher ${id}: stop requested`);
        return 0;
      }
      try {
        await client.workflow.start(datasetWatcherWorkflow, {
          ...watcherStart(loaded, {
            spec: loaded.spec,
            specSha256: loaded.specSha256,
            ...clientResolved(loaded),
            everyMs,
            debounceMs,
            onChange,
          }),
          // One watcher per pipeline: a running one wins, and this start is refused.
          workflowIdConflictPolicy: 'FAIL',
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new UsageError(
            `a watcher for ${loaded.spec.name} is already running (${id}); stop it first with tailor watch ` +
              `--stop --spec FILE`,
          );
        }
        throw err;
      }
      console.log(`watcher ${id}: every ${values.every ?? '1m'}, on change ${onChange}`);
      return 0;
    } finally {
      await connection.close();
    }
  },
};
