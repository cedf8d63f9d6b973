import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SelfHostedProvider } from '../../core/spec/providerSpec';
import {
  startPythonModule,
  TRAINER_DIR,
  TRAINER_PYTHON as PYTHON,
  trainerEnv,
  type PythonModuleProcess,
} from '../../workers/pythonModule';
import { openRegistry } from '../../stores/registry/registryBackend';
import { UsageError } from '../command';

const SETUP = 'npm run setup:trainer';

export interface SelfHostedServing {
  /** The chat server's OpenAI-compatible URL (ending in /v1). */
  baseURL: string;
  close(): Promise<void>;
}

/**
 * For a `provider: self-hosted` spec run on this machine: the Python trainer worker polling the provider's task queue
 * and the trainer package's chat server serving the base model (LoRA adapters are registered with it as they are
 * trained), both from the trainer's venv. The server's URL goes into the spec's `servingBaseUrlEnv` variable, which the
 * in-process worker reads. A missing venv or base model is a UsageError naming the setup command; nothing is
 * downloaded. One torch thread per process unless OMP_NUM_THREADS says otherwise: the two share the CPU.
 */
export async function startSelfHostedServing(
  provider: SelfHostedProvider,
  baseModel: string,
  temporal: { address: string; namespace: string },
  log: (line: string) => void,
): Promise<SelfHostedServing> {
  if (!fs.existsSync(PYTHON))
    throw new UsageError(`no trainer environment at ${path.relative(process.cwd(), PYTHON)}: run \`${SETUP}\` first`);
  const base = provider.baseModelPath ?? baseModel;
  if (!provider.baseModelPath) {
    const r = spawnSync(PYTHON, ['-m', 'tailor_trainer.catalog', 'path', base], {
      cwd: TRAINER_DIR,
      env: trainerEnv(),
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`;
      throw new UsageError(`base model ${base} is not ready (${why}): run \`${SETUP}\` first`);
    }
  }
  if (!provider.servingBaseUrlEnv)
    throw new UsageError('provider.servingBaseUrlEnv: name a variable for the chat server URL this command starts');
  const started: PythonModuleProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((p) => p.stop()));
  };
  try {
    log(
      `starting the trainer worker (queue ${provider.taskQueue}) and the chat server for ${base} from ` +
        `${path.relative(process.cwd(), PYTHON)}`,
    );
    const [trainer, server] = await Promise.all([
      startPythonModule(
        'tailor_trainer.worker',
        ['--address', temporal.address, '--namespace', temporal.namespace, '--task-queue', provider.taskQueue],
        /polling task queue/,
      ),
      startPythonModule('tailor_trainer.chat_server', ['--base', base, '--port', '0'], /listening on http:\S+/),
    ]);
    started.push(trainer, server);
    const baseURL = /listening on (http:\S+)/.exec(server.output())![1]!;
    process.env[provider.servingBaseUrlEnv] = baseURL;
    log(`chat server for ${base} at ${baseURL}`);
    return { baseURL, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Asks `model` one question through the server's /v1/chat/completions; returns its answer. */
export async function askServed(
  baseURL: string,
  model: string,
  messages: { role: string; content: string }[],
): Promise<string> {
  const res = await fetch(`${baseURL.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, temperature: 0, max_tokens: 16 }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[]; error?: { message?: string } };
  if (!res.ok)
    throw new Error(
      `POST ${baseURL}/chat/completions for ${model} answered ${res.status}: ${body.error?.message ?? 'no message'}`,
    );
  return body.choices?.[0]?.message?.content ?? '';
}

/** A ticket none of the example's templates produce, for the demo's last step. */
export const NEW_TICKET = "Hello, the tracking page for the lamp I ordered has said 'label created' for nine days now.";

/**
 * The journey's last step: the registry's `alias` for `pipeline` answers `question` through the chat server, with the
 * dataset's system prompt (first line of the chat file), as a client of the deployed model would ask it.
 */
export async function askDeployedAlias(
  serving: SelfHostedServing,
  at: { pipeline: string; alias: string; datasetPath: string },
  question: string,
  log: (line: string) => void,
): Promise<{ model: string; answer: string } | undefined> {
  const registry = await openRegistry();
  let model: string | undefined;
  try {
    model = await registry.resolveAlias(at.pipeline, at.alias);
  } finally {
    await registry.close();
  }
  if (!model) {
    log(`nothing is deployed behind ${at.pipeline}/${at.alias}, so there is no model to ask`);
    return undefined;
  }
  const first = fs.readFileSync(at.datasetPath, 'utf8').split('\n', 1)[0] ?? '';
  const system = (JSON.parse(first) as { messages?: { role: string; content: string }[] }).messages?.find(
    (m) => m.role === 'system',
  );
  const messages = [
    ...(system ? [{ role: 'system', content: system.content }] : []),
    { role: 'user', content: question },
  ];
  const answer = await askServed(serving.baseURL, model, messages);
  log(
    `\n${at.alias} (${model}) via POST ${serving.baseURL}/chat/completions:\n  ticket: ${question}\n  ` +
      `answer: ${answer.trim()}`,
  );
  return { model, answer };
}
