/**
 * `tailor gateway`: parses the options and serves servers/gateway/gatewayServer.ts until SIGINT or SIGTERM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { providerClient } from '../../providers/openai/client';
import { EMPTY_GATEWAY_CONFIG, loadGatewayConfig } from '../../servers/gateway/gatewayConfig';
import { DEFAULT_GATEWAY_PORT, startGateway } from '../../servers/gateway/gatewayServer';
import { openRegistry } from '../../stores/registry/registryBackend';
import { openCaptureStore } from '../../stores/capture/captureBackend';
import { CaptureWriter } from '../../stores/capture/captureWriter';
import { cliOrigins } from '../originOption';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { serveUntilSignal } from '../serveUntilSignal';
import { tokenFromEnv } from '../tokenFromEnv';

const help = `Usage: tailor gateway [--port ${DEFAULT_GATEWAY_PORT}] [--host 127.0.0.1] [--token-env VAR] [--config FILE]

An OpenAI-compatible endpoint in front of your deployed models. Point any OpenAI SDK at it (base URL
http://127.0.0.1:${DEFAULT_GATEWAY_PORT}/v1) and name a model as NAME@ALIAS (e.g. support-tickets@prod): the
gateway resolves the alias through the registry on every request (cached for --alias-ttl-ms), so a promote or
rollback takes effect within a second, without a restart. A plain model ID goes to the default provider
(OPENAI_BASE_URL / OPENAI_API_KEY). Prints its URL as the first line of stdout; runs until SIGINT or SIGTERM.

  POST /v1/chat/completions (stream: true passes the provider's chunks through), POST /v1/embeddings,
  GET /v1/models (the registry's aliases, then the default provider's models).
  Every answer carries x-tailor-model (the model that answered) and x-tailor-variant (primary or canary).
  Errors are OpenAI's shape: 400 for a malformed NAME@ALIAS, 404 for an alias that names no model, the
  provider's own status and body for its errors, 502 when the provider cannot be reached.

Options:
  --port N            TCP port (default ${DEFAULT_GATEWAY_PORT}; 0 picks a free one)
  --host H            interface to listen on (default 127.0.0.1: this machine only)
  --token-env VAR     require 'Authorization: Bearer <value of $VAR>' (default none)
  --config FILE       providers and traffic policies (default $TAILOR_HOME/gateway.yaml when it exists):
                        providers:                 # per provider type the registry records
                          self-hosted: { type: self-hosted, servingBaseUrl: http://127.0.0.1:8000/v1 }
                        aliases:
                          support-tickets@prod:
                            canary: { model: ft:candidate, percent: 10 }  # sticky per 'user' or x-tailor-user
                            shadow: { model: ft:other }                    # answers to $TAILOR_HOME/gateway/shadow.jsonl
                            capture: { sampleRate: 0.5, retentionDays: 30 } # to $TAILOR_HOME/capture.db
                                                         # (or TAILOR_CAPTURE_DB); POST /v1/feedback rates a
                                                         # captured answer by its response ID
  --alias-ttl-ms N    how long a resolved alias is reused (default 1000)
  --allow-origin U    browser origin(s) allowed to call, comma-separated (default none: 403 for any Origin)`;

export const command: CliCommand = {
  name: 'gateway',
  summary: 'serve an OpenAI-compatible endpoint that resolves NAME@ALIAS models (canary, shadow)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'token-env': { type: 'string' },
        config: { type: 'string' },
        'alias-ttl-ms': { type: 'string' },
        'allow-origin': { type: 'string' },
      },
      false,
    );
    const port = intOption('port', values.port, DEFAULT_GATEWAY_PORT);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const aliasTtlMs = intOption('alias-ttl-ms', values['alias-ttl-ms'], 1000);
    if (aliasTtlMs < 0) throw new UsageError(`--alias-ttl-ms must be 0 or more, got ${aliasTtlMs}`);
    const token = tokenFromEnv(values['token-env']);
    const allowedOrigins = cliOrigins('--allow-origin', values['allow-origin']);
    const home = tailorHome();
    const configFile = values.config ?? path.join(home, 'gateway.yaml');
    if (values.config !== undefined && !fs.existsSync(configFile)) {
      throw new UsageError(`--config ${configFile}: no such file`);
    }
    let config = EMPTY_GATEWAY_CONFIG;
    try {
      if (fs.existsSync(configFile)) config = loadGatewayConfig(configFile);
    } catch (err) {
      if (err instanceof YamlSpecError) throw new UsageError(err.message, 1);
      throw err;
    }
    const registry = await openRegistry();
    const captures = Object.values(config.aliases).some((p) => p.capture) ? await openCaptureStore() : null;
    const capture = captures ? new CaptureWriter(captures) : null;
    const gateway = await startGateway({
      registry,
      config,
      clientFor: (provider) => providerClient(provider),
      storeDir: path.join(home, 'gateway'),
      port,
      host: values.host ?? '127.0.0.1',
      aliasTtlMs,
      allowedOrigins,
      ...(token ? { token } : {}),
      ...(capture ? { capture } : {}),
    });
    return serveUntilSignal({
      url: gateway.url,
      close: async () => {
        await gateway.close();
        await registry.close();
        await captures?.close();
      },
    });
  },
};
