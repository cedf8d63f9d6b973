/**
 * `tailor feedback-server`: parses the options and serves servers/feedback/feedbackServer.ts until SIGINT or SIGTERM.
 */
import {
  MAX_FEEDBACK_LABEL_CHARS,
  MAX_FEEDBACK_MESSAGES,
  MAX_FEEDBACK_TEXT_CHARS,
} from '../../core/feedback/feedbackLimits';
import { DEFAULT_FEEDBACK_PORT, startFeedbackServer } from '../../servers/feedback/feedbackServer';
import { cliOrigins } from '../originOption';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { storeUsageError } from '../storeFailure';
import { serveUntilSignal } from '../serveUntilSignal';
import { tokenFromEnv } from '../tokenFromEnv';

const help = `Usage: tailor feedback-server [--port ${DEFAULT_FEEDBACK_PORT}] [--host 127.0.0.1] [--token-env VAR]

Receives feedback on model answers and stores it in the registry's database ($TAILOR_HOME/registry.db),
per model and prompt version. Prints its URL as the first line of stdout; runs until SIGINT or SIGTERM.

  POST /v1/feedback  {"model", "promptVersion"?, "input": {"messages": [...]}, "answer",
                      "rating": "up"|"down"|1-5, "correctedAnswer"?, "preference"?: {"alternative", "preferred":
                      "answer"|"alternative"}, "who"?, "at"? (ISO-8601), "id"? (idempotency key)}
  → 201 {"id"} (200 when that id was already stored: a retry stores once); 400 naming the field in error.param;
    401 without the token; 409 when an id is reused for other content; 413 over 1 MiB; 400 naming the field
    when a text field is over ${MAX_FEEDBACK_TEXT_CHARS} characters (labels ${MAX_FEEDBACK_LABEL_CHARS},
    messages ${MAX_FEEDBACK_MESSAGES}).

Options:
  --port N          TCP port (default ${DEFAULT_FEEDBACK_PORT}; 0 picks a free one)
  --host H          interface to listen on (default 127.0.0.1: this machine only)
  --token-env VAR   require 'Authorization: Bearer <value of $VAR>' (default none)
  --allow-origin U  browser origin(s) allowed to POST, comma-separated (default none: a request with any
                    Origin header gets 403; programs send none). Bodies must be application/json (else 415).

Export what was collected with: tailor feedback export --format dpo|sft --out FILE`;

export const command: CliCommand = {
  name: 'feedback-server',
  summary: 'collect feedback on answers over HTTP (POST /v1/feedback) into the registry',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'token-env': { type: 'string' },
        'allow-origin': { type: 'string' },
      },
      false,
    );
    const port = intOption('port', values.port, DEFAULT_FEEDBACK_PORT);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const token = tokenFromEnv(values['token-env']);
    const allowedOrigins = cliOrigins('--allow-origin', values['allow-origin']);
    const host = values.host ?? '127.0.0.1';
    const started = startFeedbackServer({ port, host, allowedOrigins, ...(token ? { token } : {}) });
    // A PostgreSQL registry that cannot be reached or refuses the login: its message, no stack trace.
    const server = await started.catch((err: unknown) => {
      throw storeUsageError(err, 'feedback store');
    });
    return serveUntilSignal(server);
  },
};
