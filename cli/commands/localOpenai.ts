/**
 * `tailor local-openai`: serves the local OpenAI-compatible backend until SIGINT/SIGTERM.
 * The base URL is the first stdout line, so scripts can read it (`--port 0` picks a free port).
 */
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parseCommandArgs } from '../args';
import { serveUntilSignal } from '../serveUntilSignal';
import { sizeOption } from '../sizeOption';
import { tokenFromEnv } from '../tokenFromEnv';
import { cliOrigins } from '../originOption';
import { startLocalOpenAI } from '../../providers/local/server';
import { parseFaultSpec, FaultSpecError } from '../../providers/local/faults/faultSpec';

const help = `Usage: tailor local-openai [--port N] [--data-dir D] [--faults SPEC] [--rate-limit RPM,TPM] [--step-ms MS]
                          [--max-body-bytes N] [--token-env VAR] [--allow-origin URL]

Serves Tailor's local OpenAI-compatible backend on 127.0.0.1 (files, fine-tuning jobs, chat
completions, embeddings, models) backed by small CPU learners. Prints the base URL
(http://127.0.0.1:PORT/v1) as the first line of stdout and runs until SIGINT or SIGTERM.

Options:
  --port N              TCP port (default 0: a free port)
  --data-dir D          state directory (default .tailor/local-openai)
  --faults SPEC         fault injection, e.g. 'seed=7,chat=500@0.1,jobs.create=training_not_available'
                        (syntax in providers/local/README.md; default none)
  --rate-limit RPM,TPM  requests and tokens per minute for chat/embeddings (default unlimited)
  --step-ms MS          wall time per training step (default $TAILOR_LOCAL_STEP_MS or 25)
  --max-body-bytes N    largest request body, e.g. 64M (default 512M, OpenAI's per-file cap); larger: 413
  --token-env VAR       require 'Authorization: Bearer <value of $VAR>' on every /v1 route (default: none,
                        no API key needed, any accepted); clients set OPENAI_API_KEY to the same value
  --allow-origin URL    browser origin(s) allowed to call it, comma-separated (default none: a request
                        with an Origin header gets 403; POST bodies must be JSON, else 415)

Example:
  tailor local-openai --port 8089 --faults 'chat=429@0.2,seed=1'`;

function parseRateLimit(raw: string | undefined): { rpm?: number; tpm?: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d*)\s*,\s*(\d*)$/.exec(raw) ?? /^(\d+)$/.exec(raw);
  if (!m) throw new UsageError(`--rate-limit expects RPM,TPM (e.g. 60,150000), got '${raw}'`);
  const rpm = m[1] ? Number(m[1]) : undefined;
  const tpm = m[2] ? Number(m[2]) : undefined;
  return { rpm, tpm };
}

export const command: CliCommand = {
  name: 'local-openai',
  summary: 'serve the local OpenAI-compatible backend (small CPU learners)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        faults: { type: 'string' },
        'rate-limit': { type: 'string' },
        'step-ms': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'token-env': { type: 'string' },
        'allow-origin': { type: 'string' },
      },
      false,
    );
    const port = intOption('port', values.port, 0);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    if (values.faults) {
      try {
        parseFaultSpec(values.faults);
      } catch (err) {
        if (err instanceof FaultSpecError) throw new UsageError(`--faults: ${err.message}`);
        throw err;
      }
    }
    const maxBodyBytes = sizeOption('max-body-bytes', values['max-body-bytes']);
    const token = tokenFromEnv(values['token-env']);
    const stepMs = values['step-ms'] === undefined ? undefined : intOption('step-ms', values['step-ms'], 25);
    const server = await startLocalOpenAI({
      port,
      dataDir: values['data-dir'],
      faults: values.faults,
      rateLimit: parseRateLimit(values['rate-limit']),
      stepDelayMs: stepMs,
      maxBodyBytes,
      token,
      allowedOrigins: cliOrigins('--allow-origin', values['allow-origin']),
    });
    return serveUntilSignal({ url: server.baseURL, close: () => server.close() });
  },
};
