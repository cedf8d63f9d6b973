import type { CliCommand } from './command';
import { UsageError } from './command';
import { KeyringConfigError } from '../core/codec/keyring';

/**
 * `require`, not `import()`: under tsx's CommonJS hook a dynamic import goes to Node's ESM loader, which cannot
 * resolve extensionless TypeScript paths.
 */
function lazy(id: string): Promise<{ command: CliCommand }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- each command loads on first use
  return Promise.resolve(require(id) as { command: CliCommand });
}

/** Commands load lazily so `tailor validate` never pays for the Temporal worker's imports. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: CliCommand }> }> = {
  demo: {
    summary: 'run examples/support-tickets through the whole journey (npm start)',
    load: () => lazy('./commands/demo'),
  },
  dev: {
    summary: 'start the Temporal dev server, the local OpenAI-compatible backend and a worker',
    load: () => lazy('./commands/dev'),
  },
  worker: { summary: 'run a Tailor worker against any Temporal service', load: () => lazy('./commands/worker') },
  run: { summary: 'start a pipeline from a spec file', load: () => lazy('./commands/run') },
  status: { summary: "show a run's progress or result", load: () => lazy('./commands/status') },
  pause: { summary: "pause a run's remote fine-tuning job", load: () => lazy('./commands/pause') },
  resume: { summary: "resume a run's paused fine-tuning job", load: () => lazy('./commands/resume') },
  cancel: { summary: 'cancel a run (and its remote fine-tuning job)', load: () => lazy('./commands/cancel') },
  approve: { summary: 'approve a deployment waiting for manual approval', load: () => lazy('./commands/approve') },
  reject: { summary: 'reject a deployment waiting for manual approval', load: () => lazy('./commands/reject') },
  promote: { summary: 'point NAME@ALIAS at a model (audited)', load: () => lazy('./commands/promote') },
  rollback: { summary: 'move NAME@ALIAS back to its previous model', load: () => lazy('./commands/rollback') },
  canary: { summary: "show an alias's canary and its history, or abort it", load: () => lazy('./commands/canary') },
  resolve: { summary: 'print the model ID an alias names', load: () => lazy('./commands/resolve') },
  registry: {
    summary: 'list models and aliases, show lineage, alias history',
    load: () => lazy('./commands/registry'),
  },
  audit: {
    summary: "a run's step history from Temporal plus the registry's record",
    load: () => lazy('./commands/audit'),
  },
  'codec-server': {
    summary: 'serve the Temporal codec-server protocol so the Web UI can show encrypted payloads',
    load: () => lazy('./commands/codecServer'),
  },
  'local-openai': {
    summary: 'serve the local OpenAI-compatible backend (small CPU learners)',
    load: () => lazy('./commands/localOpenai'),
  },
  prep: { summary: 'prepare a dataset: normalise, dedupe, scrub PII, split', load: () => lazy('./commands/prep') },
  validate: {
    summary: 'validate a fine-tuning dataset and estimate its cost',
    load: () => lazy('./commands/validate'),
  },
  eval: {
    summary: 'run an eval suite (YAML) on one or more models and print the leaderboard',
    load: () => lazy('./commands/eval'),
  },
  schedule: { summary: 'recurring pipeline runs on Temporal Schedules', load: () => lazy('./commands/schedule') },
  watch: {
    summary: "watch a pipeline's dataset: evaluate or retrain once per change",
    load: () => lazy('./commands/watch'),
  },
  'notify-change': {
    summary: "signal a pipeline's dataset watcher that the data changed",
    load: () => lazy('./commands/notifyChange'),
  },
  sunset: {
    summary: 'report aliased models whose base model is being shut down',
    load: () => lazy('./commands/sunset'),
  },
  runs: { summary: 'find runs by pipeline, dataset, outcome and age', load: () => lazy('./commands/runs') },
  index: {
    summary: 'build or refresh a RAG index of documents (embeds only new or changed chunks)',
    load: () => lazy('./commands/indexDocs'),
  },
  ask: { summary: 'answer a question from a RAG index, citing the passages used', load: () => lazy('./commands/ask') },
  'prompt-search': {
    summary: 'search prompt variants on the development split; report the best and its held-out score',
    load: () => lazy('./commands/promptSearch'),
  },
  'feedback-server': {
    summary: 'collect feedback on answers over HTTP (POST /v1/feedback) into the registry',
    load: () => lazy('./commands/feedbackServer'),
  },
  gateway: {
    summary: 'serve an OpenAI-compatible endpoint that resolves NAME@ALIAS models (canary, shadow)',
    load: () => lazy('./commands/gateway'),
  },
  feedback: {
    summary: 'export collected feedback as a DPO or supervised dataset',
    load: () => lazy('./commands/feedback'),
  },
  capture: {
    summary: "export the gateway's captured traffic as an sft or dpo training file",
    load: () => lazy('./commands/capture'),
  },
  'online-eval': {
    summary: "grade an alias's captured traffic on a schedule",
    load: () => lazy('./commands/onlineEval'),
  },
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return (
    `tailor: the LLM customization journey as durable Temporal workflows\n\nUsage: tailor COMMAND ` +
    `[options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`tailor COMMAND --help\` for a command's options.`
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, help is the result (stdout, exit 0); without a command it is a usage error (stderr, exit 2).
    (name ? console.log : console.error)(topHelp());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`tailor: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  const { command } = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`tailor ${name}: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof KeyringConfigError) {
      console.error(`tailor ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module || process.argv[1]?.endsWith('tailor.js') || process.argv[1]?.endsWith('tailor')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}
