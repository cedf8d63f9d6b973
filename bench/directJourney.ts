/**
 * The anchor for the demo benchmark: the same journey's provider and file work done by a plain script, with no
 * Temporal at all: the same activity functions called in sequence (under the SDK's MockActivityEnvironment so
 * their heartbeats have somewhere to go), polling on the same schedule. The ratio demo / direct is the price of
 * durability. Prints one JSON line: { ms, fineTuned, base }.
 */
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as acts from '../activities';
import { loadSpec } from '../config/loadSpec';
import { startLocalOpenAI } from '../providers/local/server';
import { PROJECT_ROOT } from '../workers/temporalBinary';

async function main(): Promise<void> {
  const t0 = Date.now();
  const env = new MockActivityEnvironment();
  const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A) =>
    env.run(fn as never, ...(args as unknown as never[])) as Promise<R>;
  const backend = await startLocalOpenAI({
    port: 0,
    dataDir: path.join(process.env.TAILOR_HOME ?? '.tailor', 'local-openai'),
  });
  process.env.OPENAI_BASE_URL = backend.baseURL;
  try {
    const { spec } = loadSpec(path.join(PROJECT_ROOT, 'examples', 'support-tickets', 'pipeline.yaml'));
    const prepared = await run(acts.prepareDataset, { dataset: spec.dataset, model: spec.baseModel });
    const v = await run(acts.validateDataset, {
      dataset: prepared.train,
      model: spec.baseModel,
      method: 'supervised' as const,
      epochs: 3,
    });
    if (!v.valid) throw new Error('invalid');
    const train = await run(acts.uploadTrainingFile, { artifact: prepared.train });
    const valid = await run(acts.uploadTrainingFile, { artifact: prepared.validation });
    for (const fileId of [train.fileId, valid.fileId]) {
      while ((await run(acts.getFileStatus, { fileId })).status !== 'processed') await sleep(500);
    }
    const { jobId } = await run(acts.findOrCreateJob, {
      runTag: `direct-${Date.now()}`,
      pipeline: spec.name,
      datasetSha256: prepared.sourceSha256,
      model: spec.baseModel,
      trainingFileId: train.fileId,
      validationFileId: valid.fileId,
      method: spec.fineTune.method,
      suffix: spec.fineTune.suffix,
      seed: spec.fineTune.seed,
    });
    let wait = 500;
    let last = '';
    let job = await run(acts.getJobStatus, { jobId });
    while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      const seen = `${job.status}:${job.step}`;
      wait = seen !== last ? 500 : Math.min(wait * 2, 5000);
      last = seen;
      await sleep(wait);
      job = await run(acts.getJobStatus, { jobId });
    }
    const model = job.fineTunedModel!;
    const variants = [
      { id: 'base-zero-shot', label: 'base', model: spec.baseModel, mode: { type: 'zero-shot' as const } },
      {
        id: 'few',
        label: 'few',
        model: spec.baseModel,
        mode: { type: 'few-shot' as const, k: 5, seed: 'support-tickets', pool: prepared.train },
      },
      { id: 'fine-tuned', label: 'ft', model, mode: { type: 'zero-shot' as const } },
    ];
    const scores = await Promise.all(
      variants.map((variant) =>
        run(acts.evaluateVariant, { variant, test: prepared.test, metric: 'exact_match' as const, concurrency: 8 }),
      ),
    );
    await run(acts.moveAlias, {
      pipeline: spec.name,
      alias: 'prod',
      toModel: model,
      who: 'bench',
      why: 'bench',
      runId: `direct-${Date.now()}`,
    });
    await run(acts.smokeCheckAlias, {
      pipeline: spec.name,
      alias: 'prod',
      test: prepared.test,
      examples: 20,
      metric: 'exact_match' as const,
    });
    process.stdout.write(
      JSON.stringify({ ms: Date.now() - t0, base: scores[0]!.score, fineTuned: scores[2]!.score }) + '\n',
    );
  } finally {
    await backend.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
