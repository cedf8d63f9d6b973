/**
 * The fine-tuning journey through the official SDK against the real local backend: upload, create,
 * poll to `succeeded`, events with falling loss, checkpoints, the new model in /v1/models, chat with it,
 * result file; metadata filtering; cancel; malformed files; too few examples.
 */
import OpenAI from 'openai';
import { startTestBackend, waitForJob, type TestBackend } from './support/backend';
import { chatLine, chatMessages, jsonlFile, tickets } from './support/tickets';

let b: TestBackend;

beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});

async function uploadTickets(count: number, seed = 1, name = 'train.jsonl'): Promise<OpenAI.Files.FileObject> {
  return b.client.files.create({
    file: await jsonlFile(tickets(count, seed).map(chatLine), name),
    purpose: 'fine-tune',
  });
}

test('upload → create → succeeded → model listed → chat with it', async () => {
  const file = await uploadTickets(120);
  expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', status: 'processed', filename: 'train.jsonl' });
  expect(file.id).toMatch(/^file-[A-Za-z0-9]{24}$/);
  const valid = await uploadTickets(30, 99, 'valid.jsonl');

  const created: OpenAI.FineTuning.FineTuningJob = await b.client.fineTuning.jobs.create({
    model: 'gpt-4o-mini-2024-07-18',
    training_file: file.id,
    validation_file: valid.id,
    suffix: 'tickets',
    seed: 42,
    metadata: { run_id: 'run-1', team: 'support' },
    method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } },
  });
  expect(created.id).toMatch(/^ftjob-[A-Za-z0-9]{24}$/);
  expect(created.status).toBe('validating_files');
  expect(created.seed).toBe(42);
  expect(created.metadata).toEqual({ run_id: 'run-1', team: 'support' });
  expect(created.fine_tuned_model).toBeNull();

  const seen = new Set<string>();
  let job = created;
  while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
    seen.add(job.status);
    if (job.status === 'running') expect(job.estimated_finish).toEqual(expect.any(Number));
    await new Promise((r) => setTimeout(r, 5));
    job = await b.client.fineTuning.jobs.retrieve(created.id);
  }
  expect(job.status).toBe('succeeded');
  expect(seen.has('running')).toBe(true);
  expect(job.fine_tuned_model).toMatch(new RegExp(`^ft:gpt-4o-mini-2024-07-18:tailor-local:tickets:[A-Za-z0-9]{8}$`));
  expect(job.trained_tokens).toBeGreaterThan(0);
  expect(job.finished_at).toEqual(expect.any(Number));
  expect(job.hyperparameters).toMatchObject({
    n_epochs: 3,
    batch_size: expect.any(Number),
    learning_rate_multiplier: expect.any(Number),
  });
  expect(job.result_files).toHaveLength(1);

  // Events: newest first, OpenAI's wording, metrics with a falling training loss.
  const events: OpenAI.FineTuning.FineTuningJobEvent[] = [];
  for await (const e of b.client.fineTuning.jobs.listEvents(job.id, { limit: 50 })) events.push(e);
  expect(events[0]!.message).toBe('The job has successfully completed');
  expect(events.at(-1)!.message).toBe(`Created fine-tuning job: ${job.id}`);
  const metrics = events.filter((e) => e.type === 'metrics').reverse();
  const data = metrics.map((e) => e.data as { step: number; train_loss: number; valid_loss?: number });
  expect(data[0]!.step).toBe(1);
  expect(data.every((d) => typeof d.train_loss === 'number' && typeof d.valid_loss === 'number')).toBe(true);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const k = Math.max(2, Math.floor(data.length / 4));
  expect(mean(data.slice(-k).map((d) => d.train_loss))).toBeLessThan(
    mean(data.slice(0, k).map((d) => d.train_loss)) * 0.5,
  );
  expect(
    events.some((e) => /^Checkpoint created at step \d+ with Snapshot ID: ft:.*:ckpt-step-\d+$/.test(e.message)),
  ).toBe(true);

  const ckpts: OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint[] = [];
  for await (const c of b.client.fineTuning.jobs.checkpoints.list(job.id)) ckpts.push(c);
  expect(ckpts).toHaveLength(3);
  expect(ckpts[0]!.id).toMatch(/^ftckpt_/);
  expect(ckpts[0]!.step_number).toBeGreaterThan(ckpts[1]!.step_number);
  expect(ckpts[0]!.fine_tuned_model_checkpoint).toMatch(/:ckpt-step-\d+$/);

  const model: OpenAI.Models.Model = await b.client.models.retrieve(job.fine_tuned_model!);
  expect(model.id).toBe(job.fine_tuned_model);
  const listed: string[] = [];
  for await (const m of b.client.models.list()) listed.push(m.id);
  expect(listed).toContain(job.fine_tuned_model);

  const test = tickets(30, 7);
  let hits = 0;
  for (const t of test) {
    const c: OpenAI.Chat.ChatCompletion = await b.client.chat.completions.create({
      model: job.fine_tuned_model!,
      messages: chatMessages(t.text),
      temperature: 0,
    });
    if (c.choices[0]!.message.content === t.label) hits++;
  }
  expect(hits / test.length).toBeGreaterThanOrEqual(0.8);

  // A checkpoint serves chat too.
  const viaCkpt = await b.client.chat.completions.create({
    model: ckpts[0]!.fine_tuned_model_checkpoint,
    messages: chatMessages(test[0]!.text),
    temperature: 0,
  });
  expect(viaCkpt.choices[0]!.message.content).toEqual(expect.any(String));

  const csv = await (await b.client.files.content(job.result_files[0]!)).text();
  expect(csv.split('\n')[0]).toBe('step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy');
});

test('jobs list filters by metadata and paginates with after/limit', async () => {
  const file = await uploadTickets(20);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const j = await b.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini-2025-04-14',
      training_file: file.id,
      metadata: { run_id: `filter-${i % 2}` },
    });
    ids.push(j.id);
  }
  const page: OpenAI.FineTuning.FineTuningJobsPage = await b.client.fineTuning.jobs.list({
    metadata: { run_id: 'filter-0' },
  });
  expect(page.data.map((j) => j.id).sort()).toEqual([ids[0], ids[2]].sort());
  // Newest first.
  expect(page.data[0]!.id).toBe(ids[2]);
  const first = await b.client.fineTuning.jobs.list({ limit: 1 });
  expect(first.data).toHaveLength(1);
  expect(first.has_more).toBe(true);
  const second = await b.client.fineTuning.jobs.list({ limit: 1, after: first.data[0]!.id });
  expect(second.data[0]!.id).not.toBe(first.data[0]!.id);
  for (const id of ids) await waitForJob(b.client, id);
});

test('cancel a running job', async () => {
  const slow = await startTestBackend({ stepDelayMs: 50 });
  try {
    const file = await slow.client.files.create({
      file: await jsonlFile(tickets(60).map(chatLine)),
      purpose: 'fine-tune',
    });
    const job = await slow.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    await waitForJob(slow.client, job.id, ['running']);
    const cancelled: OpenAI.FineTuning.FineTuningJob = await slow.client.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 150));
    const after = await slow.client.fineTuning.jobs.retrieve(job.id);
    expect(after.status).toBe('cancelled');
    expect(after.fine_tuned_model).toBeNull();
    await expect(slow.client.fineTuning.jobs.cancel(job.id)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  } finally {
    await slow.close();
  }
});

test('a malformed upload gets status error and a job on it fails with invalid_training_file', async () => {
  const bad = await b.client.files.create({
    file: await jsonlFile(['{"messages": [', 'not json']),
    purpose: 'fine-tune',
  });
  expect(bad.status).toBe('error');
  expect((bad as unknown as { status_details: string }).status_details).toMatch(/Line 1/);
  const job = await b.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: bad.id });
  const done = await waitForJob(b.client, job.id);
  expect(done.status).toBe('failed');
  expect(done.error?.code).toBe('invalid_training_file');
  expect(done.error?.param).toBe('training_file');
  expect(done.finished_at).toBeNull();
});

test('fewer than 10 examples fails with invalid_n_examples', async () => {
  const file = await uploadTickets(7);
  const job = await b.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
  const done = await waitForJob(b.client, job.id);
  expect(done.error).toEqual({
    code: 'invalid_n_examples',
    message: 'Training file has 7 example(s), but must have at least 10 examples',
    param: 'training_file',
  });
});

test('unknown ids are 404s and bad requests are 400s, with OpenAI error bodies', async () => {
  const notFound = await b.client.fineTuning.jobs.retrieve('ftjob-doesnotexist').catch((e: unknown) => e);
  expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
  expect((notFound as InstanceType<typeof OpenAI.NotFoundError>).requestID).toMatch(/^req_/);
  await expect(b.client.files.retrieve('file-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(b.client.models.retrieve('gpt-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  const chat = await b.client.chat.completions
    .create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);
  expect(chat).toBeInstanceOf(OpenAI.NotFoundError);
  expect((chat as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  const badModel = await b.client.fineTuning.jobs
    .create({ model: 'text-embedding-3-small', training_file: 'file-x' })
    .catch((e: unknown) => e);
  expect(badModel).toBeInstanceOf(OpenAI.BadRequestError);
  expect((badModel as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
  const badBody = await b.client.fineTuning.jobs
    .create({
      model: 'gpt-4o-mini',
      training_file: 'file-x',
      nepochs: 2,
    } as unknown as OpenAI.FineTuning.JobCreateParams)
    .catch((e: unknown) => e);
  expect(badBody).toBeInstanceOf(OpenAI.BadRequestError);
  expect((badBody as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('nepochs');
  const badFile = await b.client.fineTuning.jobs
    .create({ model: 'gpt-4o-mini', training_file: 'file-missing' })
    .catch((e: unknown) => e);
  expect(badFile).toBeInstanceOf(OpenAI.BadRequestError);
  expect((badFile as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('training_file');
});

test('files list, content and delete', async () => {
  const f = await uploadTickets(12, 3, 'listed.jsonl');
  const listed: OpenAI.Files.FileObject[] = [];
  for await (const x of b.client.files.list({ purpose: 'fine-tune' })) listed.push(x);
  expect(listed.map((x) => x.id)).toContain(f.id);
  const text = await (await b.client.files.content(f.id)).text();
  expect(text.trim().split('\n')).toHaveLength(12);
  const del: OpenAI.Files.FileDeleted = await b.client.files.delete(f.id);
  expect(del).toEqual({ id: f.id, object: 'file', deleted: true });
  await expect(b.client.files.retrieve(f.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
});

test('files.waitForProcessing returns at once; fine-tuned models can be deleted, base models cannot', async () => {
  const f = await uploadTickets(30, 8, 'wait.jsonl');
  const processed = await b.client.files.waitForProcessing(f.id, { pollInterval: 10, maxWait: 2000 });
  expect(processed.status).toBe('processed');
  const job = await b.client.fineTuning.jobs.create({ model: 'gpt-4.1-nano-2025-04-14', training_file: f.id });
  const done = await waitForJob(b.client, job.id);
  expect(done.fine_tuned_model).toMatch(/^ft:gpt-4\.1-nano-2025-04-14:tailor-local::[A-Za-z0-9]{8}$/);
  const deleted: OpenAI.Models.ModelDeleted = await b.client.models.delete(done.fine_tuned_model!);
  expect(deleted).toEqual({ id: done.fine_tuned_model, object: 'model', deleted: true });
  await expect(b.client.models.retrieve(done.fine_tuned_model!)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(
    b.client.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'x' }] }),
  ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(b.client.models.delete('gpt-4o-mini')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  const base: OpenAI.Models.Model = await b.client.models.retrieve('gpt-4.1-nano-2025-04-14');
  expect((base as unknown as { shutdown_date: string | null }).shutdown_date).toBe('2026-10-23');
});

test('a job on an ft: model continues training from its weights', async () => {
  const OLD = ['billing', 'shipping', 'account_access'];
  const all = tickets(180, 12);
  const first = all.filter((t) => OLD.includes(t.label));
  // The second file is mostly new labels with a few old examples replayed, as OpenAI advises.
  const second = [...all.filter((t) => !OLD.includes(t.label)), ...first.slice(0, 6)];
  const upload = async (set: typeof all) =>
    (await b.client.files.create({ file: await jsonlFile(set.map(chatLine)), purpose: 'fine-tune' })).id;
  const train = async (model: string, file: string, suffix: string) =>
    waitForJob(b.client, (await b.client.fineTuning.jobs.create({ model, training_file: file, suffix, seed: 1 })).id);
  const j1 = await train('gpt-4o-mini', await upload(first), 'one');
  const f2 = await upload(second);
  const continued = await train(j1.fine_tuned_model!, f2, 'two');
  const fresh = await train('gpt-4o-mini', f2, 'fresh');
  expect(continued.status).toBe('succeeded');
  expect(continued.model).toBe(j1.fine_tuned_model);
  expect(continued.fine_tuned_model).toMatch(/^ft:gpt-4o-mini-2024-07-18:tailor-local:two:/);
  const probe = tickets(60, 13).filter((t) => OLD.includes(t.label));
  const oldAccuracy = async (model: string) => {
    let hits = 0;
    for (const t of probe) {
      const c = await b.client.chat.completions.create({ model, messages: chatMessages(t.text), temperature: 0 });
      if (c.choices[0]!.message.content === t.label) hits++;
    }
    return hits / probe.length;
  };
  // Starting from the first model's weights keeps more of what it knew than starting afresh.
  expect(await oldAccuracy(continued.fine_tuned_model!)).toBeGreaterThan(await oldAccuracy(fresh.fine_tuned_model!));
});
