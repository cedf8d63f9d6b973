import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { DATASET_CHANGED } from '../../activities/dataset/invalidDataset';
import { startPipeline } from '../../cli/stack/startPipeline';
import { sha256File } from '../../cli/stack/datasetHash';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';
import { failureCause } from '../../core/failures/failureCause';
import { loadSpec } from '../../config/loadSpec';
import { createTailorWorker } from '../../workers/createWorker';
import { connectTestClient, connectTestWorker, sharedBundle, uniqueTaskQueue } from '../support/temporal';
import { exampleSpecWith } from '../support/specFiles';
import { chatLines, useTmpHome, writeJsonl } from './support';

const tmp = useTmpHome();
const MODEL = 'gpt-4o-mini-2024-07-18';

describe('the bytes prepared are the bytes the run is named after', () => {
  test('prepareDataset refuses a file whose sha256 is not the expected one, naming both and the path', async () => {
    const file = writeJsonl(tmp.dir(), 'changed.jsonl', chatLines(40));
    const expected = await sha256File(file);
    fs.appendFileSync(file, `${chatLines(1, 500)[0]}\n`);
    const actual = await sha256File(file);
    const prep = (expectedSha256: string) =>
      prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file }), model: MODEL, expectedSha256 });
    const err = await prep(expected).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    expect(f).toMatchObject({ type: DATASET_CHANGED, nonRetryable: true });
    expect(f.message).toContain(file);
    expect(f.message).toContain(`expected sha256 ${expected}`);
    expect(f.message).toContain(`read ${actual}`);
    expect(fs.existsSync(path.join(tmp.dir(), 'home', 'artifacts'))).toBe(false);
    // The matching hash prepares as before.
    const ok = await prep(actual);
    expect(ok.sourceSha256).toBe(actual);
  });

  test('a pipeline whose file changes between start and prepare fails with DatasetChanged, not retried', async () => {
    // The spec and its data side by side; the run is started with no worker polling, so it waits deterministically.
    const specFile = exampleSpecWith({ name: 'changed-data' });
    const dir = path.dirname(specFile);
    const data = writeJsonl(dir, 'tickets.jsonl', chatLines(60));
    const spec = fs.readFileSync(specFile, 'utf8').replace(/^(\s+)path: .*tickets\.jsonl.*$/m, `$1path: ${data}`);
    fs.writeFileSync(specFile, spec);
    const loaded = loadSpec(specFile);
    expect(loaded.spec.dataset.path).toBe(data);
    const { client, connection } = await connectTestClient();
    const taskQueue = uniqueTaskQueue('dataset-changed');
    const nativeConnection = await connectTestWorker();
    const prevRoots = process.env.TAILOR_ALLOWED_ROOTS;
    // The worker reads the data there.
    process.env.TAILOR_ALLOWED_ROOTS = [dir, prevRoots].filter(Boolean).join(path.delimiter);
    try {
      const { handle } = await startPipeline(client, loaded, { taskQueue, rerun: true });
      const named = await sha256File(data);
      fs.appendFileSync(data, `${chatLines(1, 900)[0]}\n`);
      const now = await sha256File(data);
      const workflowBundle = await sharedBundle();
      const worker = await createTailorWorker({ connection: nativeConnection, taskQueue, workflowBundle });
      const failure = await worker.runUntil(
        handle.result().then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const root = failureCause(failure);
      expect(root.type).toBe(DATASET_CHANGED);
      expect(root.message).toContain(`${data} changed after the run was named: expected sha256 ${named}, read ${now}`);
      // Non-retryable: one attempt, not the data proxy's five.
      const history = await handle.fetchHistory();
      const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
      expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
    } finally {
      process.env.TAILOR_ALLOWED_ROOTS = prevRoots;
      if (prevRoots === undefined) delete process.env.TAILOR_ALLOWED_ROOTS;
      await nativeConnection.close();
      await connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
