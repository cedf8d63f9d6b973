import { pauseFineTuneSignal } from '../../workflows/messages';
import { controlCommand } from '../stack/controlCommand';

export const command = controlCommand({
  name: 'pause',
  summary: "pause a run's remote fine-tuning job",
  help: `Usage: tailor pause RUN

Asks the run's fine-tune step to pause its remote job (where the provider supports pausing); the run keeps
watching the job and continues when it is resumed (\`tailor resume RUN\`). With provider self-hosted, the trainer
stops at its next step and keeps its checkpoints; resuming starts training again from the newest one.`,
  async act(client, runId) {
    await client.workflow.getHandle(`${runId}/fine-tune`).signal(pauseFineTuneSignal);
    return `asked ${runId} to pause its fine-tuning job`;
  },
});
