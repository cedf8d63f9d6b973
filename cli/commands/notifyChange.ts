import { clientResolved } from '../../config/loadSpec';
import { datasetChangedSignal, datasetWatcherWorkflow } from '../../workflows/datasetWatcherWorkflow';
import { parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';
import { WATCHER_OPTIONS, watcherOptions, watcherStart } from './watch';

export const command: CliCommand = {
  name: 'notify-change',
  summary: "tell the pipeline's dataset watcher the data changed (starts the watcher if none runs)",
  help: `Usage: tailor notify-change --spec FILE [--every D] [--on-change evaluate|retrain] [--debounce D]

For external systems that know when data lands: signals the pipeline's watcher to fingerprint the dataset now,
through signal-with-start, so a watcher is started (with the given options, default every 1m) when none runs.
An unchanged dataset still triggers nothing; a changed one triggers exactly once per new hash.`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, WATCHER_OPTIONS, false);
    const { loaded, onChange, everyMs, debounceMs } = watcherOptions(values);
    const { client, connection } = await connectClient(await clientTarget());
    try {
      const handle = await client.workflow.signalWithStart(datasetWatcherWorkflow, {
        ...watcherStart(loaded, {
          spec: loaded.spec,
          specSha256: loaded.specSha256,
          ...clientResolved(loaded),
          everyMs,
          debounceMs,
          onChange,
        }),
        signal: datasetChangedSignal,
        signalArgs: [],
      });
      console.log(`watcher ${handle.workflowId}: change signalled`);
      return 0;
    } finally {
      await connection.close();
    }
  },
};
