import { openRegistry } from '../../stores/registry/registryBackend';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { deployWorkflow } from '../../workflows/deployWorkflow';
import { aliasArg } from '../aliasArg';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';
import os from 'node:os';

export const command: CliCommand = {
  name: 'promote',
  summary: 'point NAME@ALIAS at a model, through the audited deploy workflow',
  help: `Usage: tailor promote NAME@ALIAS [MODEL] --reason TEXT [--by NAME] [--json]

Moves the alias to MODEL by running the same deployWorkflow a pipeline uses (so the move has a run ID, is in
Temporal's history and in the registry's alias history). MODEL should be registered (\`tailor registry list\`).
--by defaults to the current user. Without MODEL, the alias's canary is promoted (\`tailor canary show\`): the
alias moves to the canary's model and the canary ends, recorded as promoted.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('expected NAME@ALIAS [MODEL]');
    if (!values.reason) throw new UsageError('--reason TEXT is required');
    const ref = aliasArg(positionals[0]!);
    const registry = await openRegistry();
    const { model, known } = await (async () => {
      const canary = positionals[1] ? undefined : await registry.getCanary(ref.pipeline, ref.alias);
      const chosen = positionals[1] ?? canary?.model;
      return { model: chosen, known: chosen === undefined ? undefined : await registry.getModel(chosen) };
    })().finally(() => registry.close());
    if (model === undefined) {
      throw new UsageError(`${ref.pipeline}@${ref.alias} has no canary to promote: name a MODEL`);
    }
    if (!known) throw new UsageError(`model '${model}' is not in the registry (see \`tailor registry list\`)`);
    const by = values.by ?? os.userInfo().username;
    const { client, connection } = await connectClient(await clientTarget());
    try {
      const runId = `promote-${ref.pipeline}-${ref.alias}-${Date.now().toString(36)}`;
      const result = await client.workflow.execute(deployWorkflow, {
        workflowId: runId,
        taskQueue: TASK_QUEUE,
        args: [
          {
            runId,
            pipeline: ref.pipeline,
            alias: ref.alias,
            initiatedBy: by,
            gate: {
              passed: true,
              candidate: { variantId: 'manual', model, score: known.score ?? 0 },
              baseline: { variantId: 'manual', model: model, score: known.score ?? 0, kind: 'production' },
              minImprovement: 0,
              minScore: 0,
              reason: `manual promotion by ${by}: ${values.reason}`,
            },
          },
        ],
      });
      if (values.json) process.stdout.write(JSON.stringify({ runId, ...result }) + '\n');
      else
        console.log(
          `${runId}: ${ref.pipeline}@${ref.alias} → ${result.model} (previous: ${result.previous ?? 'none'})`,
        );
      return 0;
    } finally {
      await connection.close();
    }
  },
};
