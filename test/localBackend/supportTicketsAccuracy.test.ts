/**
 * The learning ladder on examples/support-tickets, through the SDK: on a seeded 80/20 split,
 * held-out accuracy must rise base zero-shot < few-shot (5 examples as earlier turns) < fine-tuned.
 * Few-shot is measured with seeded random examples (as the pipeline picks them) and with the 5
 * nearest examples (the strongest prompt); fine-tuning must beat both.
 */
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { mulberry32, shuffled } from '../../core/stats/rng';
import { dot, featurize } from '../../providers/local/learners/features';
import { startTestBackend, waitForJob, type TestBackend } from './support/backend';
import { jsonlFile } from './support/tickets';

const DATA = path.resolve(__dirname, '../../examples/support-tickets/data/tickets.jsonl');
type Msg = { role: 'system' | 'user' | 'assistant'; content: string };
const maybe = fs.existsSync(DATA) ? test : test.skip;

let b: TestBackend;
beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});

maybe('held-out accuracy: zero-shot < few-shot < fine-tuned (≥ 80%)', async () => {
  const t0 = Date.now();
  const rows = fs
    .readFileSync(DATA, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { messages: Msg[] }).messages);
  const all = shuffled(rows, mulberry32(42));
  const cut = Math.floor(all.length * 0.8);
  const train = all.slice(0, cut);
  const heldOut = all.slice(cut);
  const system = (ex: Msg[]) => ex.find((m) => m.role === 'system')!;
  const user = (ex: Msg[]) => ex.find((m) => m.role === 'user')!.content;
  const gold = (ex: Msg[]) => ex.find((m) => m.role === 'assistant')!.content;

  const file = await b.client.files.create({
    file: await jsonlFile(train.map((messages) => JSON.stringify({ messages }))),
    purpose: 'fine-tune',
  });
  const job = await b.client.fineTuning.jobs.create({
    model: 'gpt-4o-mini-2024-07-18',
    training_file: file.id,
    suffix: 'tickets',
    seed: 7,
    method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } },
  });
  const done = await waitForJob(b.client, job.id, undefined, 60_000);
  expect(done.status).toBe('succeeded');
  console.log(`fine-tuning took ${Date.now() - t0} ms`);

  const turns = (examples: Msg[][]) =>
    examples.flatMap((e) => [
      { role: 'user' as const, content: user(e) },
      { role: 'assistant' as const, content: gold(e) },
    ]);
  const rng = mulberry32(5);
  const score = async (model: string, build: (ex: Msg[]) => Msg[]) => {
    let hits = 0;
    for (const ex of heldOut) {
      const c: OpenAI.Chat.ChatCompletion = await b.client.chat.completions.create({
        model,
        messages: build(ex),
        temperature: 0,
      });
      if (c.choices[0]!.message.content === gold(ex)) hits++;
    }
    return hits / heldOut.length;
  };
  const base = 'gpt-4o-mini-2024-07-18';
  const zeroShot = await score(base, (ex) => [system(ex), { role: 'user', content: user(ex) }]);
  const fewShotRandom = await score(base, (ex) => [
    system(ex),
    ...turns(shuffled(train, rng).slice(0, 5)),
    { role: 'user', content: user(ex) },
  ]);
  const trainVectors = train.map((e) => featurize(user(e)));
  const fewShotNearest = await score(base, (ex) => {
    const q = featurize(user(ex));
    const ranked = train.map((e, i) => ({ e, s: dot(q, trainVectors[i]!) })).sort((x, y) => y.s - x.s);
    const near = ranked
      .slice(0, 5)
      .reverse()
      .map((r) => r.e);
    return [system(ex), ...turns(near), { role: 'user', content: user(ex) }];
  });
  const fineTuned = await score(done.fine_tuned_model!, (ex) => [system(ex), { role: 'user', content: user(ex) }]);
  console.log(
    `support-tickets held-out (${heldOut.length}): zero-shot ${zeroShot.toFixed(3)}, few-shot random-5 ` +
      `${fewShotRandom.toFixed(3)}, ` +
      `few-shot nearest-5 ${fewShotNearest.toFixed(3)}, fine-tuned ${fineTuned.toFixed(3)} (` +
      `${done.trained_tokens} trained tokens)`,
  );
  expect(zeroShot).toBeLessThan(fewShotRandom);
  expect(fewShotRandom).toBeLessThan(fineTuned);
  expect(fewShotNearest).toBeLessThan(fineTuned);
  expect(fineTuned).toBeGreaterThanOrEqual(0.8);
});
