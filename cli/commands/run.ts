import { loadSpec, SpecError } from '../../config/loadSpec';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient, targetFromEnvironment, type TemporalTarget } from '../temporalConnection';
import { findRunningDev } from '../stack/devInfo';
import { failureCause } from '../../core/failures/failureCause';
import { startPipeline } from '../stack/startPipeline';
import { renderSummary, summarise } from '../stack/summarise';
import { watchRun } from '../stack/watchRun';
import path from 'node:path';
import { ensureRunReport, runReportDir } from '../../activities/report/runReportFiles';

/** The Temporal service for client commands: the environment's configuration, else a running `tailor dev`. */
export async function clientTarget(): Promise<TemporalTarget> {
  const fromEnv = targetFromEnvironment();
  if (fromEnv) return fromEnv;
  const dev = await findRunningDev();
  if (dev) return { address: dev.temporalAddress, namespace: dev.namespace };
  throw new UsageError(
    'no Temporal service: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TLS or API key as needed) or start ' +
      '`tailor dev`',
  );
}

export const command: CliCommand = {
  name: 'run',
  summary: 'start a pipeline from a spec file',
  help: `Usage: tailor run SPEC [--wait] [--json] [--rerun]

Validates SPEC, then starts its pipeline on Temporal (TEMPORAL_ADDRESS and Temporal's other environment
settings, or a running \`tailor dev\`); a worker (\`tailor worker\` or \`tailor dev\`) executes it.
The run ID is derived from the pipeline name, the dataset's sha256 and the spec's sha256: starting the same
spec on unchanged data again is a no-op that returns the existing run.

Options:
  --wait    follow the run live and print its result
  --json    print JSON (the run ID; with --wait, the result summary)
  --rerun   start a new run even when this data and spec already ran

Exit codes: 0 started (or succeeded, with --wait), 1 the run failed, 2 a bad spec or usage (nothing is started).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      rerun: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one SPEC file (see `tailor run --help`)');
    let loaded;
    try {
      loaded = loadSpec(positionals[0]!);
    } catch (err) {
      if (err instanceof SpecError) throw new UsageError(err.message);
      throw err;
    }
    const { client, connection } = await connectClient(await clientTarget());
    try {
      const started = await startPipeline(client, loaded, { rerun: values.rerun === true });
      const out = (line: string) => (values.json ? process.stderr : process.stdout).write(line + '\n');
      if (!values.wait) {
        if (values.json)
          process.stdout.write(JSON.stringify({ runId: started.runId, existing: started.existing }) + '\n');
        else
          out(
            started.existing ? `${started.runId} (already started on this data and spec; nothing new)` : started.runId,
          );
        return 0;
      }
      out(started.existing ? `run ${started.runId} (already started on this data and spec)` : `run ${started.runId}`);
      try {
        const result = await watchRun(started.handle, client, out);
        // The worker that wrote the report may be on another host: this host's copy, from the result and the store.
        const dir = path.relative(process.cwd(), await ensureRunReport(result).catch(() => runReportDir(result.runId)));
        const summary = await summarise(client, result, dir);
        if (values.json) process.stdout.write(JSON.stringify({ ok: true, ...summary }) + '\n');
        else out(renderSummary(summary, result));
        return 0;
      } catch (err) {
        const msg = failureCause(err).message;
        if (values.json) process.stdout.write(JSON.stringify({ ok: false, runId: started.runId, error: msg }) + '\n');
        else out(`run ${started.runId} failed: ${msg}`);
        return 1;
      }
    } finally {
      await connection.close();
    }
  },
};
