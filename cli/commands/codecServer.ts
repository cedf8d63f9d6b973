/**
 * `tailor codec-server`: parses the options, reads the keys and serves servers/codec/codecServer.ts until SIGINT or
 * SIGTERM.
 */
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parseCommandArgs } from '../args';
import { serveUntilSignal } from '../serveUntilSignal';
import { tokenFromEnv } from '../tokenFromEnv';
import { cliOrigins } from '../originOption';
import { KeyringConfigError } from '../../core/codec/keyring';
import { tailorDataConverter } from '../../workers/dataConverter';
import { DEFAULT_UI_ORIGINS, startCodecServer } from '../../servers/codec/codecServer';

const help = `Usage: tailor codec-server [--port 8888] [--ui-origin http://localhost:8233] [--token-env VAR]

Serves the Temporal codec-server protocol (POST /encode, POST /decode, also under /{namespace}/)
on 127.0.0.1 with Tailor's payload encryption, so the Temporal Web UI shows decrypted payloads.
Keys come from TAILOR_ENCRYPTION_KEYS (id:base64key,...; first writes, all read) or
TAILOR_ENCRYPTION_KEY. Prints its URL as the first line of stdout; runs until SIGINT or SIGTERM.

Options:
  --port N           TCP port on 127.0.0.1 (default 8888; 0 picks a free one)
  --ui-origin URL    browser origin allowed by CORS, comma-separated for several
                     (default http://localhost:8233,http://127.0.0.1:8233: the dev server's UI)
  --token-env VAR    require 'Authorization: Bearer <value of $VAR>' on every request (default none);
                     the Temporal CLI sends it with --codec-auth 'Bearer ...', the Web UI only when set
                     to pass its access token

Example:
  TAILOR_ENCRYPTION_KEY=$(openssl rand -base64 32) tailor codec-server
  then in the Web UI: Codec Server settings > http://127.0.0.1:8888, or
  temporal workflow show -w RUN --codec-endpoint http://127.0.0.1:8888`;

export const command: CliCommand = {
  name: 'codec-server',
  summary: 'serve the Temporal codec-server protocol so the Web UI can show encrypted payloads',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { port: { type: 'string' }, 'ui-origin': { type: 'string' }, 'token-env': { type: 'string' } },
      false,
    );
    const port = intOption('port', values.port, 8888);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const uiOrigins = cliOrigins('--ui-origin', values['ui-origin'] ?? DEFAULT_UI_ORIGINS.join(','));
    const token = tokenFromEnv(values['token-env']);
    let converter: ReturnType<typeof tailorDataConverter>;
    try {
      converter = tailorDataConverter();
    } catch (err) {
      if (err instanceof KeyringConfigError) throw new UsageError(err.message);
      throw err;
    }
    const codec = converter?.payloadCodecs[0];
    if (!codec)
      throw new UsageError('no encryption key: set TAILOR_ENCRYPTION_KEYS (id:base64key,...) or TAILOR_ENCRYPTION_KEY');
    return serveUntilSignal(await startCodecServer({ codec, port, uiOrigins, token }));
  },
};
