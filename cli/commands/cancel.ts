import { UsageError } from '../command';
import { controlCommand } from '../stack/controlCommand';

export const command = controlCommand({
  name: 'cancel',
  summary: 'cancel a run (and its remote fine-tuning job)',
  help: `Usage: tailor cancel RUN

Cancels the run. A fine-tuning job it started is cancelled at the provider too; the run ends CANCELLED and
nothing is deployed.

Exit codes: 0 cancellation requested, 1 the run has already finished, 2 unknown run or usage error.`,
  async act(client, runId) {
    const handle = client.workflow.getHandle(runId);
    const { status } = await handle.describe();
    // A closed run cannot be cancelled: saying "cancellation requested" would promise something that never happens.
    if (status.name !== 'RUNNING') {
      throw new UsageError(`run ${runId} has already finished (${status.name}): nothing to cancel`, 1);
    }
    await handle.cancel();
    return `cancellation requested for ${runId}`;
  },
});
