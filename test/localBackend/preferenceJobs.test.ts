/**
 * DPO and reinforcement jobs: method/format mismatches fail like OpenAI's (`invalid_training_file`),
 * a DPO job on preference pairs trains and shifts the model toward the preferred answers, and a
 * reinforcement job learns from the grader's reference field.
 */
import OpenAI from 'openai';
import { startTestBackend, waitForJob, type TestBackend } from './support/backend';
import { LABELS, chatLine, chatMessages, jsonlFile, preferenceLine, tickets } from './support/tickets';

let b: TestBackend;
beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});

const wrongLabel = (label: string) => LABELS[(LABELS.indexOf(label as (typeof LABELS)[number]) + 1) % LABELS.length]!;

async function accuracy(model: string, seed: number): Promise<number> {
  const set = tickets(36, seed);
  let hits = 0;
  for (const t of set) {
    const c = await b.client.chat.completions.create({ model, messages: chatMessages(t.text), temperature: 0 });
    if (c.choices[0]!.message.content === t.label) hits++;
  }
  return hits / set.length;
}

test('a DPO job rejects a chat-format file and a supervised job rejects a preference file', async () => {
  const chat = await b.client.files.create({ file: await jsonlFile(tickets(20).map(chatLine)), purpose: 'fine-tune' });
  const pref = await b.client.files.create({
    file: await jsonlFile(tickets(20).map((t) => preferenceLine(t, wrongLabel(t.label)))),
    purpose: 'fine-tune',
  });
  const dpo = await b.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: chat.id,
    method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1 } } },
  });
  const dpoDone = await waitForJob(b.client, dpo.id);
  expect(dpoDone.status).toBe('failed');
  expect(dpoDone.error?.code).toBe('invalid_training_file');
  expect(dpoDone.error?.message).toMatch(/fine-tune-chat format.*method is dpo/);
  const sft = await b.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: pref.id,
    method: { type: 'supervised' },
  });
  const sftDone = await waitForJob(b.client, sft.id);
  expect(sftDone.error?.code).toBe('invalid_training_file');
  expect(sftDone.error?.message).toMatch(/preference format.*method is supervised/);
});

test('a DPO job trains on preference pairs and moves the model toward preferred answers', async () => {
  const pref = await b.client.files.create({
    file: await jsonlFile(tickets(120, 2).map((t) => preferenceLine(t, wrongLabel(t.label)))),
    purpose: 'fine-tune',
  });
  const job = await b.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini-2025-04-14',
    training_file: pref.id,
    suffix: 'dpo',
    method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1, n_epochs: 3 } } },
  });
  const done = await waitForJob(b.client, job.id);
  expect(done.status).toBe('succeeded');
  expect(done.method?.type).toBe('dpo');
  expect(done.method?.dpo?.hyperparameters).toMatchObject({ beta: 0.1, n_epochs: 3, batch_size: expect.any(Number) });
  const metrics: number[] = [];
  for await (const e of b.client.fineTuning.jobs.listEvents(job.id, { limit: 200 }))
    if (e.type === 'metrics') metrics.unshift((e.data as { train_loss: number }).train_loss);
  expect(metrics[0]!).toBeCloseTo(Math.log(2), 3);
  expect(metrics.at(-1)!).toBeLessThan(metrics[0]!);
  const base = await accuracy('gpt-4.1-mini-2025-04-14', 21);
  const tuned = await accuracy(done.fine_tuned_model!, 21);
  expect(tuned).toBeGreaterThan(base + 0.2);
});

test('a reinforcement job needs a grader and learns from its {{item.X}} reference', async () => {
  const lines = tickets(60, 4).map((t) =>
    JSON.stringify({
      messages: [
        { role: 'developer', content: 'Classify the ticket.' },
        { role: 'user', content: t.text },
      ],
      correct_label: t.label,
    }),
  );
  const file = await b.client.files.create({ file: await jsonlFile(lines), purpose: 'fine-tune' });
  const noGrader = await b.client.fineTuning.jobs
    .create({
      model: 'o4-mini-2025-04-16',
      training_file: file.id,
      method: { type: 'reinforcement', reinforcement: {} as never },
    })
    .catch((e: unknown) => e);
  expect(noGrader).toBeInstanceOf(OpenAI.BadRequestError);
  const job = await b.client.fineTuning.jobs.create({
    model: 'o4-mini-2025-04-16',
    training_file: file.id,
    method: {
      type: 'reinforcement',
      reinforcement: {
        grader: {
          type: 'string_check',
          name: 'exact',
          input: '{{sample.output_text}}',
          reference: '{{item.correct_label}}',
          operation: 'eq',
        },
      },
    },
  });
  const done = await waitForJob(b.client, job.id);
  expect(done.status).toBe('succeeded');
  expect(await accuracy(done.fine_tuned_model!, 22)).toBeGreaterThanOrEqual(0.8);
});
