import path from 'node:path';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { ensureRunReport, runReportDir } from '../../activities/report/runReportFiles';
import { PROJECT_ROOT } from '../../workers/temporalBinary';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { stackLine, startStack } from '../stack/embeddedStack';
import { failureCause } from '../../core/failures/failureCause';
import { fewShotSideBySide, scoreLines } from '../stack/fewShotSideBySide';
import {
  askDeployedAlias,
  NEW_TICKET,
  startSelfHostedServing,
  type SelfHostedServing,
} from '../stack/selfHostedServing';
import { startPipeline } from '../stack/startPipeline';
import { renderSummary, summarise } from '../stack/summarise';
import { watchRun } from '../stack/watchRun';

const DEFAULT_SPEC = path.join(PROJECT_ROOT, 'examples', 'support-tickets', 'pipeline.yaml');
const LLM_SPEC = path.join(PROJECT_ROOT, 'examples', 'support-tickets-llm', 'pipeline.yaml');

export const command: CliCommand = {
  name: 'demo',
  summary: 'run examples/support-tickets through the whole journey',
  help: `Usage: tailor demo [--llm | --spec FILE] [--json]

Runs a pipeline (default: examples/support-tickets) through the whole journey, prepare → validate →
fine-tune → evaluate → deploy, showing each step live, then the step table and the evaluation.

Temporal: TEMPORAL_ADDRESS (and Temporal's other environment settings) when set; else a running
\`tailor dev\`; else an embedded dev server whose SQLite lives under .tailor/temporal/.
Provider: OPENAI_BASE_URL / OPENAI_API_KEY when set; else the local OpenAI-compatible backend
(small CPU learners, not LLMs).

Options:
  --spec FILE   pipeline spec to run (default: examples/support-tickets/pipeline.yaml)
  --llm         run examples/support-tickets-llm: SmolLM2-135M-Instruct on this CPU (after \`npm run setup:trainer\`)
  --ask TEXT    provider self-hosted: the new ticket the deployed alias answers at the end
  --json        print one JSON object at the end (run ID, steps, scores, deployed model); progress goes to stderr

With provider self-hosted (--llm), the trainer worker and the chat server start from the trainer's venv
(.tools/trainer-venv) and stop at the end; the deployed alias then answers a new ticket.

Each demo is a fresh run, even on unchanged data (\`tailor run\` instead treats a repeat as a no-op).
The report is written to .tailor/reports/<run ID>/report.{md,json}.`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        spec: { type: 'string' },
        llm: { type: 'boolean', default: false },
        ask: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      false,
    );
    if (values.llm && values.spec) throw new UsageError('give --llm or --spec, not both');
    const json = values.json === true;
    const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
    let loaded;
    try {
      loaded = loadSpec(values.spec ?? (values.llm ? LLM_SPEC : DEFAULT_SPEC));
    } catch (err) {
      if (err instanceof SpecError) throw new UsageError(err.message);
      throw err;
    }
    log(`Tailor demo: ${path.relative(process.cwd(), loaded.file)} (${loaded.spec.description ?? loaded.spec.name})`);
    const selfHosted = loaded.spec.provider.type === 'self-hosted' ? loaded.spec.provider : undefined;
    // A self-hosted run needs this process's worker: it reads the chat server's URL from this environment.
    const stack = await startStack({
      attachToDev: !selfHosted,
      startWorker: true,
      uiPort: false,
      log: (l) => log(`  ${l}`),
    });
    let serving: SelfHostedServing | undefined;
    try {
      if (selfHosted)
        serving = await startSelfHostedServing(selfHosted, loaded.spec.baseModel, stack.target, (l) => log(`  ${l}`));
    } catch (err) {
      await stack.close();
      throw err;
    }
    const stop = () => {
      void Promise.all([serving?.close(), stack.close()]).finally(() => process.exit(130));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      log(`  ${stackLine(stack)}`);
      const started = await startPipeline(stack.client, loaded, { rerun: true });
      log(`run ${started.runId}`);
      let result;
      try {
        result = await watchRun(started.handle, stack.client, log);
      } catch (err) {
        const { message } = failureCause(err);
        log(`\nThe run failed: ${message}`);
        if (json) process.stdout.write(JSON.stringify({ runId: started.runId, ok: false, error: message }) + '\n');
        return 1;
      }
      const reportDir =
        path.relative(process.cwd(), await ensureRunReport(result).catch(() => runReportDir(result.runId))) || '.';
      const summary = await summarise(stack.client, result, reportDir);
      if (json) process.stdout.write(JSON.stringify({ ok: true, ...summary }) + '\n');
      else log(renderSummary(summary, result));
      if (serving) {
        log('\nEvery variant on the held-out split (accuracy, 95% interval, correct/n):');
        for (const line of scoreLines(result.leaderboard)) log(`  ${line}`);
        const side = await fewShotSideBySide(stack.client, loaded.spec, result);
        if (side) {
          log('Few-shot strategies side by side on the same cases:');
          for (const line of scoreLines(side.leaderboard)) log(`  ${line}`);
        }
      }
      if (serving && result.deploy.outcome === 'promoted') {
        await askDeployedAlias(
          serving,
          { pipeline: result.pipeline, alias: result.deploy.alias, datasetPath: loaded.spec.dataset.path },
          values.ask ?? NEW_TICKET,
          log,
        );
      }
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await serving?.close();
      await stack.close();
    }
  },
};
