/** Pause stops training between steps; resume continues from the same step to the same result. */
import OpenAI from 'openai';
import { startTestBackend, waitForJob } from './support/backend';
import { chatLine, jsonlFile, tickets } from './support/tickets';

async function metricSteps(client: OpenAI, id: string): Promise<number[]> {
  const steps: number[] = [];
  for await (const e of client.fineTuning.jobs.listEvents(id, { limit: 100 }))
    if (e.type === 'metrics') steps.push((e.data as { step: number }).step);
  return steps;
}

test('pause → paused (no progress) → resume → queued → succeeded', async () => {
  const b = await startTestBackend({ stepDelayMs: 20 });
  try {
    const file = await b.client.files.create({
      file: await jsonlFile(tickets(90).map(chatLine)),
      purpose: 'fine-tune',
    });
    const job = await b.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, seed: 9 });
    await waitForJob(b.client, job.id, ['running']);
    await new Promise((r) => setTimeout(r, 100));
    const paused: OpenAI.FineTuning.FineTuningJob = await b.client.fineTuning.jobs.pause(job.id);
    // `paused` is returned by the API but missing from the SDK's status union.
    expect(paused.status as string).toBe('paused');
    const atPause = (await metricSteps(b.client, job.id)).length;
    expect(atPause).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect((await metricSteps(b.client, job.id)).length).toBe(atPause);
    expect((await b.client.fineTuning.jobs.retrieve(job.id)).status as string).toBe('paused');
    await expect(b.client.fineTuning.jobs.pause(job.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    const resumed = await b.client.fineTuning.jobs.resume(job.id);
    expect(resumed.status).toBe('queued');
    const done = await waitForJob(b.client, job.id);
    expect(done.status).toBe('succeeded');
    const steps = await metricSteps(b.client, job.id);
    expect(new Set(steps).size).toBe(steps.length);
    await expect(b.client.fineTuning.jobs.resume(job.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  } finally {
    await b.close();
  }
});
