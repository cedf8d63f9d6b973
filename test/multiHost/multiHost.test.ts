import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';
import { s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import { openRegistry } from '../../stores/registry/registryBackend';
import { artifactStore } from '../../stores/processStores';
import { selfHostedTrainingPaths } from '../../activities/fineTune/selfHostedPaths';
import { fineTuneProgressQuery, pauseFineTuneSignal, resumeFineTuneSignal } from '../../workflows/messages';
import { chatRows, writeSelfHostedSpec } from '../selfHosted/selfHostedSpec';
import { startPythonModule, type PythonModuleProcess as PythonProcess } from '../../workers/pythonModule';
import { hasTrainerEnv, runModule } from '../selfHosted/trainerProcesses';
import { startMoto, type MotoServer } from '../stores/support/motoServer';
import { startPostgres, type PostgresServer } from '../stores/support/postgresServer';
import { connectTestClient, eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { killHard, startBundledWorkerProcess } from '../support/workerProcess';

// Needs the trainer's venv (`npm run setup:trainer`), moto and PostgreSQL (`npm run setup:stores`):
// `npm run test:trainer` runs it.
const describeWithTrainer = hasTrainerEnv ? describe : describe.skip;
if (!hasTrainerEnv) console.warn('skipping the multi-host test: no .tools/trainer-venv (run `npm run setup:trainer`)');

const BUCKET = 'tailor-multi-host';
const PREFIX = 'team/artifacts';

/**
 * Tailor across machines, simulated on one: two TypeScript workers, the Python trainer worker and the chat server,
 * each with its own empty TAILOR_HOME (no shared disk), against one Temporal server, artifacts on a real
 * S3-compatible server (moto) and the registry on a real PostgreSQL, both started here on loopback. The CLI uploads
 * the dataset; only the base model (provisioned on the trainer's and the chat server's hosts) is read by path.
 */
describeWithTrainer('Tailor across hosts: S3 artifacts, PostgreSQL registry, no shared disk', () => {
  let dir: string;
  let moto: MotoServer;
  let pg: PostgresServer;
  let client: Client;
  let closeClient: () => Promise<void>;
  const processes: PythonProcess[] = [];
  const workers: ChildProcess[] = [];
  const taskQueue = uniqueTaskQueue('multi-host');
  const trainerQueue = uniqueTaskQueue('multi-host-trainer');

  const homeOf = (name: string) => path.join(dir, 'hosts', name, 'home');
  const s3Env = () => ({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
  });
  const hostEnv = (name: string): NodeJS.ProcessEnv => {
    fs.mkdirSync(homeOf(name), { recursive: true }); // each host starts with an empty TAILOR_HOME of its own
    return {
      ...s3Env(),
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_HOME: homeOf(name),
      TAILOR_ARTIFACTS: `s3://${BUCKET}/${PREFIX}`,
      TAILOR_REGISTRY: pg.url,
    };
  };
  const pythonEnv = (name: string): NodeJS.ProcessEnv => ({
    ...process.env,
    ...hostEnv(name),
    PYTHONPATH: path.join(__dirname, '..', '..', 'workers', 'trainer'),
    OMP_NUM_THREADS: '1',
  });
  const startWorker = async (name: string) => {
    const w = await startBundledWorkerProcess(hostEnv(name), taskQueue);
    workers.push(w.child);
    return w.child;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-multi-host-'));
    const input = path.join(dir, 'input');
    fs.mkdirSync(input);
    fs.writeFileSync(path.join(input, 'chat.jsonl'), chatRows());
    runModule('tailor_trainer.tiny_model', [
      '--data',
      path.join(input, 'chat.jsonl'),
      '--out',
      path.join(input, 'tiny'),
    ]);
    [moto, pg, { client, close: closeClient }] = await Promise.all([
      startMoto(),
      startPostgres(),
      connectTestClient().then(({ client: c, connection }) => ({ client: c, close: () => connection.close() })),
    ]);
    await new S3Client(s3ClientConfig(s3Env())).send(new CreateBucketCommand({ Bucket: BUCKET }));
    // Progress every 0.1 s, heartbeats every 0.25 s: a pause is seen within a few of the tiny model's steps.
    const trainerArgs = ['--address', testTemporalAddress(), '--task-queue', trainerQueue];
    const [trainer, chat] = await Promise.all([
      startPythonModule(
        'tailor_trainer.worker',
        [...trainerArgs, '--progress-every', '0.1', '--heartbeat-throttle', '0.25'],
        /polling/,
        {
          env: pythonEnv('gpu'),
        },
      ),
      startPythonModule(
        'tailor_trainer.chat_server',
        ['--base', path.join(input, 'tiny'), '--model', 'tiny-base', '--port', '0'],
        /listening on http:\S+/,
        {
          env: pythonEnv('serving'),
        },
      ),
    ]);
    processes.push(trainer, chat);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...workers.map((w) => killHard(w)), ...processes.map((p) => p.stop())]);
    await closeClient?.();
    await Promise.all([moto?.stop(), pg?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'a TypeScript worker killed mid-run is replaced on ' +
      'another host; one job, one adapter, one registry ' +
      'entry',
    async () => {
      const servingUrl = /listening on (http:\S+)/.exec(processes[1]!.output())![1]!;
      const workerA = await startWorker('cpu-a');
      const spec = writeSelfHostedSpec(path.join(dir, 'input'), {
        name: 'multi-host',
        trainerQueue,
        servingUrl,
        registerAdapters: true,
        training: { maxSteps: 60, checkpointEvery: 10, heartbeatTimeout: '10s' },
      });
      // The CLI is a host too: with the store on S3 it uploads the dataset and the run carries only its URI, so
      // the file is moved away once the run has started and no worker reads it by path.
      const saved = { ...process.env };
      Object.assign(process.env, hostEnv('cli'));
      let started: Awaited<ReturnType<typeof startPipeline>>;
      try {
        started = await startPipeline(client, loadSpec(spec), { taskQueue });
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
      fs.renameSync(path.join(dir, 'input', 'chat.jsonl'), path.join(dir, 'chat.jsonl.moved'));
      const { handle, runId } = started;
      const fineTune = client.workflow.getHandle(`${runId}/fine-tune`);
      const progress = () =>
        fineTune.query(fineTuneProgressQuery).catch(() => undefined) as Promise<FineTuneProgress | undefined>;

      // Held, not timed: the run is paused at a training checkpoint while the worker dies and its replacement starts.
      await eventually(
        'training under way',
        async () => ((await progress())?.trainer?.step ? true : undefined),
        180_000,
      );
      await fineTune.signal(pauseFineTuneSignal);
      await eventually(
        'the paused phase',
        async () => ((await progress())?.phase === 'paused' ? true : undefined),
        60_000,
      );
      // A second worker joins on its own host; then the first, which ran everything so far, dies.
      const workerB = await startWorker('cpu-b');
      await killHard(workerA);
      await fineTune.signal(resumeFineTuneSignal);
      const result = await handle.result();

      // The run went on from the first worker's host to the second's: workflow tasks before the kill were taken by A
      // (its identity is pid@host), every one after it by B, which had none of A's disk.
      const taskTakers = async (workflowId: string) =>
        (await client.workflow.getHandle(workflowId).fetchHistory()).events!.flatMap((e) =>
          e.workflowTaskStartedEventAttributes?.identity ? [e.workflowTaskStartedEventAttributes.identity] : [],
        );
      const takers = await taskTakers(`${runId}/fine-tune`);
      expect(takers[0]).toMatch(new RegExp(`^${workerA.pid}@`));
      expect(takers[takers.length - 1]).toMatch(new RegExp(`^${workerB.pid}@`));
      expect((await taskTakers(runId)).pop()).toMatch(new RegExp(`^${workerB.pid}@`));

      const ft = result.fineTune!;
      expect(ft.selfHosted!.steps).toBe(60);
      expect(result.deploy.outcome).toBe('promoted');
      // The adapter went through the store, by digest: not a path on the trainer's host.
      const adapterKey = `${PREFIX}/adapters/${ft.selfHosted!.adapterSha256}.tar`;
      expect(ft.selfHosted!.adapterPath).toBe(`s3://${BUCKET}/${adapterKey}`);
      const listed = await new S3Client(s3ClientConfig(s3Env())).send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/adapters/` }),
      );
      expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([adapterKey]);
      // One training job: one output folder on the trainer's host, none on the TypeScript hosts.
      expect(fs.readdirSync(path.join(homeOf('gpu'), 'adapters')).filter((e) => !e.startsWith('.'))).toHaveLength(1);
      for (const h of ['cpu-a', 'cpu-b']) expect(fs.existsSync(path.join(homeOf(h), 'adapters'))).toBe(false);
      // The training file reached the trainer from the store, checked against its sha256.
      expect(
        fs.existsSync(
          path.join(homeOf('gpu'), 'artifacts', result.prepared.train.sha256.slice(0, 2), result.prepared.train.sha256),
        ),
      ).toBe(true);
      // The chat server loaded it from the store by digest, into its own host's cache.
      const served = path.join(homeOf('serving'), 'adapters', '.store', ft.selfHosted!.adapterSha256);
      expect(fs.existsSync(path.join(served, 'adapter_config.json'))).toBe(true);
      // The registry on PostgreSQL holds the one model, and the alias points at it.
      const registry = await openRegistry({ TAILOR_REGISTRY: pg.url });
      try {
        expect((await registry.listModels('multi-host')).map((m) => m.model)).toEqual([ft.model]);
        expect(await registry.resolveAlias('multi-host', 'prod')).toBe(ft.model);
      } finally {
        await registry.close();
      }
    },
    600_000,
  );

  it(
    'with the store on S3 the trainer gets a reference, ' + 'not a path; a training file not in the bucket fails',
    async () => {
      const saved = { ...process.env };
      Object.assign(process.env, hostEnv('cpu-check'));
      try {
        const put = await artifactStore().put('{"messages": []}\n', { name: 'train.jsonl', count: 1 });
        const paths = await selfHostedTrainingPaths({ train: put, runTag: 'multi-host/check' });
        expect(paths).toEqual({
          trainingArtifact: {
            location: `s3://${BUCKET}/${PREFIX}`,
            key: `${PREFIX}/${put.sha256.slice(0, 2)}/${put.sha256}`,
            sha256: put.sha256,
            bytes: put.bytes,
          },
          outputDir: 'multi-host_check',
          checkpointDir: '.checkpoints/multi-host_check',
        });
        const absent = { ...put, sha256: 'f'.repeat(64), uri: `artifact:sha256:${'f'.repeat(64)}` };
        await expect(selfHostedTrainingPaths({ train: absent, runTag: 'multi-host/absent' })).rejects.toMatchObject({
          type: 'ArtifactMissing',
          nonRetryable: true,
          message: expect.stringContaining(`s3://${BUCKET}/${PREFIX}`),
        });
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    },
  );
});
