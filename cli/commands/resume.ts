import { resumeFineTuneSignal } from '../../workflows/messages';
import { controlCommand } from '../stack/controlCommand';

export const command = controlCommand({
  name: 'resume',
  summary: "resume a run's paused fine-tuning job",
  help: `Usage: tailor resume RUN

Asks the run's fine-tune step to resume its paused remote job (provider self-hosted: to train again from the
newest checkpoint the paused training left).`,
  async act(client, runId) {
    await client.workflow.getHandle(`${runId}/fine-tune`).signal(resumeFineTuneSignal);
    return `asked ${runId} to resume its fine-tuning job`;
  },
});
