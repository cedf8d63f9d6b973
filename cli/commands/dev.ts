import { intOption, parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { isListening } from '../../workers/freePort';
import { removeDevInfo, writeDevInfo } from '../stack/devInfo';
import { startStack } from '../stack/embeddedStack';

export const command: CliCommand = {
  name: 'dev',
  summary: 'start the Temporal dev server, the local OpenAI-compatible backend and a worker',
  help: `Usage: tailor dev [--port N] [--ui-port N] [--backend-port N]

Starts, in one terminal:
  - the Temporal dev server (temporal server start-dev; SQLite under .tailor/temporal/, so runs survive a
    restart; Tailor's search attributes registered; Web UI on --ui-port);
  - the local OpenAI-compatible backend (small CPU learners, not LLMs), unless OPENAI_BASE_URL or
    OPENAI_API_KEY is set, in which case the worker uses that provider;
  - a Tailor worker on the task queue 'tailor'.
\`tailor demo\`, \`tailor run\` and \`tailor status\` attach to it. Ctrl-C stops every part.

Options:
  --port N           Temporal gRPC port (default 7233)
  --ui-port N        Temporal Web UI port (default 8233)
  --backend-port N   local backend port (default 8377; 0 = any free port)`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { port: { type: 'string' }, 'ui-port': { type: 'string' }, 'backend-port': { type: 'string' } },
      false,
    );
    const port = intOption('port', values.port, 7233);
    const uiPort = intOption('ui-port', values['ui-port'], 8233);
    const backendPort = intOption('backend-port', values['backend-port'], 8377);
    for (const [name, p] of [
      ['port', port],
      ['ui-port', uiPort],
      ['backend-port', backendPort],
    ] as const) {
      if (p !== 0 && (await isListening(p)))
        throw new UsageError(
          `--${name} ${p} is already in use (is another \`tailor dev\` or Temporal server running?)`,
        );
    }
    const stack = await startStack({
      attachToDev: false,
      temporal: 'embedded',
      temporalPort: port,
      uiPort,
      backendPort,
      startWorker: true,
      log: (l) => console.log(l),
    });
    writeDevInfo({
      pid: process.pid,
      temporalAddress: stack.target.address,
      namespace: stack.target.namespace,
      uiUrl: stack.uiUrl,
      openaiBaseURL: stack.openaiBaseURL,
    });
    console.log(`Temporal Web UI: ${stack.uiUrl}`);
    console.log(`Temporal gRPC:   ${stack.target.address} (namespace ${stack.target.namespace})`);
    console.log(`Provider:        ${stack.openaiBaseURL ?? 'OpenAI (from OPENAI_API_KEY)'}`);
    console.log('Worker:          task queue tailor');
    console.log('Ready. Press Ctrl-C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('\nstopping the worker, the backend and the dev server …');
    removeDevInfo();
    await stack.close();
    console.log('stopped');
    return 0;
  },
};
