import { controlCommand } from '../stack/controlCommand';

export const command = controlCommand({
  name: 'cancel',
  summary: 'cancel a run (and its remote fine-tuning job)',
  help: `Usage: tailor cancel RUN

Cancels the run. A fine-tuning job it started is cancelled at the provider too; the run ends CANCELLED and
nothing is deployed.`,
  async act(client, runId) {
    await client.workflow.getHandle(runId).cancel();
    return `cancellation requested for ${runId}`;
  },
});
