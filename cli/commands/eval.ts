import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { artifactStore } from '../../stores/processStores';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { trainingOverlapWarnings } from '../stack/trainingOverlapCheck';
import { leaderboardText } from '../../core/evalSuite/leaderboardText';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { evalProgressQuery, evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { stackLine, startStack } from '../stack/embeddedStack';
import { failureCause } from '../../core/failures/failureCause';
import { evalProgressLine } from '../stack/evalProgressLine';
import { evalShardsInFlight } from '../stack/evalShardsInFlight';
import { exitCodeFor } from '../../core/failures/failureTypes';

export const command: CliCommand = {
  name: 'eval',
  summary: 'run an eval suite (YAML) on one or more models and print the leaderboard',
  help: `Usage: tailor eval SUITE --model M [--model M2 ...] [--baseline ID] [--candidate ID] [--json] [--html FILE] [--md FILE]

Runs an eval suite as a durable workflow (evalSuiteWorkflow): every variant on the same cases, in shards that
cache each finished case, then paired comparisons (bootstrap intervals, McNemar) and the suite's gate rules.

Temporal: TEMPORAL_ADDRESS when set (when it is a running \`tailor dev\`'s, its worker runs the suite); else a running
\`tailor dev\`; else an embedded dev server ($TAILOR_HOME/temporal, default .tailor/temporal).
Provider: OPENAI_BASE_URL / OPENAI_API_KEY when set; else the local OpenAI-compatible backend (small CPU learners,
not LLMs).

Options:
  --model M       model for variants that name none (repeat: with no variants in the suite, one variant per model)
  --candidate ID  the variant the gate judges (default: the suite's candidate, else the first variant)
  --baseline ID   the variant every other is compared with (default: the suite's baseline)
  --json          print the result as one JSON object (progress goes to stderr)
  --html FILE     write the self-contained HTML report to FILE
  --md FILE       write the Markdown report to FILE

Example: tailor eval examples/support-tickets/eval/suite.yaml --model gpt-4o-mini-2024-07-18 --html report.html

Exit codes: 0 the suite passed its gate, 1 it failed its gate (or the run failed), 2 a bad suite file or usage.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string', multiple: true },
      candidate: { type: 'string' },
      baseline: { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      md: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one SUITE file (see tailor eval --help)');
    const json = values.json === true;
    const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
    let suite;
    try {
      suite = loadEvalSuite(positionals[0]!, {
        models: values.model,
        candidate: values.candidate,
        baseline: values.baseline,
      });
    } catch (err) {
      if (err instanceof YamlSpecError) throw new UsageError(err.message);
      throw err;
    }
    log(
      `Tailor eval: ${path.relative(process.cwd(), suite.file ?? positionals[0]!)} (` +
        `${suite.variants.map((v) => `${v.id}=${v.model}`).join(', ')})`,
    );
    for (const warning of await trainingOverlapWarnings(suite)) process.stderr.write(`${warning}\n`);
    const stack = await startStack({ attachToDev: true, startWorker: true, uiPort: false, log: (l) => log(`  ${l}`) });
    try {
      log(`  ${stackLine(stack)}`);
      const workflowId = `eval-${suite.name}-${Date.now().toString(36)}`;
      const handle = await stack.client.workflow.start(evalSuiteWorkflow, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ suite }],
      });
      log(`run ${workflowId}`);
      let last = '';
      const showProgress = async () => {
        const p = await handle.query(evalProgressQuery);
        const inFlight = await evalShardsInFlight(handle, stack.client.options.loadedDataConverter);
        const line = `  ${evalProgressLine(p, inFlight)}`;
        if (line !== last) log((last = line));
      };
      const timer = setInterval(() => void showProgress().catch(() => undefined), 1000);
      let result;
      try {
        result = await handle.result();
      } catch (err) {
        const cause = failureCause(err);
        log(`\nThe eval failed: ${cause.message}`);
        if (json)
          process.stdout.write(
            JSON.stringify({ ok: false, workflowId, error: cause.message, type: cause.type }) + '\n',
          );
        // A wrong suite or wrong cases exit 2 like a bad file (the table in core/failures/failureTypes.ts).
        return err instanceof WorkflowFailedError ? exitCodeFor(cause.type) : 1;
      } finally {
        clearInterval(timer);
      }
      await showProgress().catch(() => undefined);
      if (values.html) await copyReport(result.reports.html, values.html, 'eval', log);
      if (values.md) await copyReport(result.reports.markdown, values.md, 'eval', log);
      if (json) process.stdout.write(JSON.stringify({ ok: true, workflowId, ...result }) + '\n');
      else {
        log('');
        log(leaderboardText(result));
        log('');
        log(
          `${result.cases.count} cases; ${result.providerCalls} answers requested, ${result.cacheHits} from the cache`,
        );
        if (values.html) log(`HTML report: ${values.html}`);
        if (values.md) log(`Markdown report: ${values.md}`);
      }
      return result.passed ? 0 : 1;
    } finally {
      await stack.close();
    }
  },
};

/** Reports live in the worker's artifact store: this machine's, unless the worker runs elsewhere (`what` ran there). */
export async function copyReport(
  ref: { sha256: string; uri: string },
  dest: string,
  what: string,
  log: (line: string) => void,
): Promise<void> {
  const store = artifactStore();
  try {
    fs.copyFileSync(await store.localPath(ref), path.resolve(dest));
  } catch {
    log(
      `cannot copy ${ref.uri} to ${dest}: it is not in this machine's artifact store (${store.location}); ` +
        `the worker that ran the ${what} has it`,
    );
  }
}
