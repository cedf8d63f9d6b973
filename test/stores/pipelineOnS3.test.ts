import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { PipelineInput } from '../../core/pipeline/pipelineTypes';
import { s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import { closeProcessStores } from '../../stores/processStores';
import { openRegistry } from '../../stores/registry/registryBackend';
import { useHarness } from '../support/pipelineHarness';
import { startMoto, type MotoServer } from './support/motoServer';
import { startPostgres, type PostgresServer } from './support/postgresServer';

const SPEC = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'pipeline.yaml');
const BUCKET = 'tailor-pipeline';
const PREFIX = 'team/artifacts';

// The whole journey with the worker configured for shared storage: TAILOR_ARTIFACTS names a bucket on a real moto
// server and TAILOR_REGISTRY a real PostgreSQL. The harness runs its worker in this process, so the variables are
// set here, before it starts, and put back after.
let moto: MotoServer;
let pg: PostgresServer;
let registryUrl: string;
const saved: NodeJS.ProcessEnv = {};
const VARS = ['TAILOR_ARTIFACTS', 'TAILOR_REGISTRY', 'AWS_ENDPOINT_URL', 'AWS_REGION'] as const;
const SECRETS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

beforeAll(async () => {
  [moto, pg] = await Promise.all([startMoto(), startPostgres()]);
  registryUrl = await pg.createDatabase('pipeline_on_s3');
  for (const k of [...VARS, ...SECRETS]) saved[k] = process.env[k];
  Object.assign(process.env, {
    TAILOR_ARTIFACTS: `s3://${BUCKET}/${PREFIX}`,
    TAILOR_REGISTRY: registryUrl,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
  });
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 120_000);

const h = useHarness('pipeline-s3', { beforeClose: () => closeProcessStores(), timeoutMs: 120_000 });

afterAll(async () => {
  for (const k of [...VARS, ...SECRETS]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await Promise.all([moto?.stop(), pg?.stop()]);
});

function s3(): S3Client {
  return new S3Client(s3ClientConfig(process.env));
}

async function bucketShas(): Promise<Set<string>> {
  const out = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.add(path.basename(o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/** What the worker's disk holds under TAILOR_HOME/artifacts (the S3 store's local cache). */
function diskShas(home: string): Set<string> {
  const root = path.join(home, 'artifacts');
  if (!fs.existsSync(root)) return new Set();
  const files = fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Set(files.map((e) => e.name));
}

describe('a pipeline whose worker stores artifacts in S3 and the registry in PostgreSQL', () => {
  it('runs end to end; its artifacts are objects in the bucket and the alias moved in PostgreSQL', async () => {
    const started = await startPipeline(h.client, loadSpec(SPEC), { taskQueue: h.taskQueue });
    // With the artifacts in a bucket the client uploads the dataset: the run carries its URI, not this host's path.
    const history = await started.handle.fetchHistory();
    const [payload] = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const input = JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as PipelineInput;
    expect(input.spec.dataset.path).toBe(`artifact:sha256:${input.datasetSha256}`);
    expect(input.datasetName).toBe(path.relative(process.cwd(), loadSpec(SPEC).spec.dataset.path));
    expect(JSON.stringify(input)).not.toContain(path.dirname(loadSpec(SPEC).spec.dataset.path));
    const result = await started.handle.result();
    expect(result.steps.map((s) => s.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    expect(result.deploy.outcome).toBe('promoted');
    const model = result.fineTune!.model;

    // Every artifact the run names is an object under the configured prefix.
    const inBucket = await bucketShas();
    const named = [
      ...[result.prepared.train, result.prepared.validation, result.prepared.test, result.prepared.manifest],
      result.validation.report,
      result.evaluationReport,
      ...(result.evaluationHtml ? [result.evaluationHtml] : []),
    ];
    for (const ref of named) expect(inBucket).toContain(ref.sha256);
    expect(inBucket).toContain(input.datasetSha256);
    expect(inBucket.size).toBeGreaterThanOrEqual(named.length);

    // The worker's disk holds only copies fetched for tools that need a path (the training file for the upload):
    // the artifacts it wrote and never needed as a file are in the bucket alone.
    const onDisk = diskShas(h.home);
    for (const sha of onDisk) expect(inBucket).toContain(sha);
    for (const ref of [result.prepared.manifest, result.validation.report, result.evaluationReport]) {
      expect(onDisk).not.toContain(ref.sha256);
    }
    expect(onDisk.size).toBeLessThan(inBucket.size);

    // The alias moved in PostgreSQL, with the model's lineage; no SQLite registry was created on the worker's disk.
    const registry = await openRegistry({ TAILOR_REGISTRY: registryUrl });
    try {
      expect(registry.location).toMatch(/^postgres:\/\//);
      expect(await registry.resolveAlias('support-tickets', 'prod')).toBe(model);
      expect((await registry.getModel(model))?.jobId).toBe(result.fineTune!.jobId);
      expect(await registry.aliasHistory('support-tickets', 'prod')).toHaveLength(1);
    } finally {
      await registry.close();
    }
    expect(fs.existsSync(path.join(h.home, 'registry.db'))).toBe(false);
  });

  it("an uploaded dataset's errors still name the file the user gave", async () => {
    const dir = fs.mkdtempSync(path.join(h.home, 'bad-input-'));
    const file = path.join(dir, 'broken.jsonl');
    fs.writeFileSync(file, '{"messages": []}\nnot json\n{"nope": 1}\n');
    const loaded = loadSpec(SPEC);
    const spec = { ...loaded.spec, dataset: { ...loaded.spec.dataset, path: file } };
    const started = await startPipeline(h.client, { ...loaded, spec }, { taskQueue: h.taskQueue });
    const err = await started.handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    const message = JSON.stringify(err, Object.getOwnPropertyNames(err)) + String((err as Error).cause);
    expect(message).toContain('no usable examples in broken.jsonl (3 read; removed ');
    expect(message).not.toContain('artifact:sha256');
  });
});
