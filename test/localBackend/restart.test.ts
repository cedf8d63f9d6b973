/**
 * State survives a restart: a backend started on the same data dir lists earlier jobs and files,
 * serves earlier fine-tuned models, and resumes a job that was running when it stopped.
 */
import OpenAI from 'openai';
import { startTestBackend, tempDataDir, waitForJob } from './support/backend';
import { chatLine, chatMessages, jsonlFile, tickets } from './support/tickets';

test('a restarted backend lists earlier jobs and serves earlier fine-tuned models', async () => {
  const dataDir = tempDataDir();
  const first = await startTestBackend({ dataDir });
  const file = await first.client.files.create({
    file: await jsonlFile(tickets(60).map(chatLine)),
    purpose: 'fine-tune',
  });
  const job = await first.client.fineTuning.jobs.create({
    model: 'gpt-4o-mini',
    training_file: file.id,
    suffix: 'persist',
    metadata: { run_id: 'persist' },
  });
  const done = await waitForJob(first.client, job.id);
  expect(done.status).toBe('succeeded');
  const probe = chatMessages(tickets(1, 5)[0]!.text);
  const before = await first.client.chat.completions.create({
    model: done.fine_tuned_model!,
    messages: probe,
    temperature: 0,
  });
  await first.close();

  const second = await startTestBackend({ dataDir });
  try {
    const listed = await second.client.fineTuning.jobs.list({ metadata: { run_id: 'persist' } });
    expect(listed.data.map((j) => j.id)).toEqual([job.id]);
    const again: OpenAI.FineTuning.FineTuningJob = await second.client.fineTuning.jobs.retrieve(job.id);
    expect(again).toEqual(done);
    expect((await second.client.files.retrieve(file.id)).status).toBe('processed');
    const model = await second.client.models.retrieve(done.fine_tuned_model!);
    expect(model.id).toBe(done.fine_tuned_model);
    const after = await second.client.chat.completions.create({
      model: done.fine_tuned_model!,
      messages: probe,
      temperature: 0,
    });
    expect(after.choices[0]!.message.content).toBe(before.choices[0]!.message.content);
  } finally {
    await second.close();
  }
});

test('a job running when the backend stopped resumes after restart and finishes with the same model', async () => {
  const dataDir = tempDataDir();
  const first = await startTestBackend({ dataDir, stepDelayMs: 20 });
  const file = await first.client.files.create({
    file: await jsonlFile(tickets(90).map(chatLine)),
    purpose: 'fine-tune',
  });
  const job = await first.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, seed: 3 });
  await waitForJob(first.client, job.id, ['running']);
  await new Promise((r) => setTimeout(r, 150));
  await first.close();

  const second = await startTestBackend({ dataDir, stepDelayMs: 2 });
  try {
    const done = await waitForJob(second.client, job.id);
    expect(done.status).toBe('succeeded');
    const events: OpenAI.FineTuning.FineTuningJobEvent[] = [];
    for await (const e of second.client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) events.push(e);
    expect(events.some((e) => e.message.startsWith('Backend restarted; resuming job from step'))).toBe(true);
    // Each step is reported exactly once across the restart.
    const steps = events.filter((e) => e.type === 'metrics').map((e) => (e.data as { step: number }).step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(Math.max(...steps)).toBe(steps.length);
  } finally {
    await second.close();
  }
});
