/**
 * A whole pipeline run leaves no API key, no encryption key and (with the codec on) no readable data in Temporal's
 * history, and no key in any artifact or log (see docs/architecture.md, No secrets in history, logs or artifacts).
 * The same run with the codec
 * off shows exactly which payloads would be readable, so the test proves the codec is what keeps data out.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import * as activities from '../../activities';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { bundleWorkflows } from '../../workers/createWorker';
import { tailorDataConverter } from '../../workers/dataConverter';
import { historyText } from '../support/historyText';
import { connectTestWorker, sharedBundle, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { captureOutput } from './captureOutput';
import { describeSite, payloadSites, plaintextPayloads, readableFailures, type PayloadSite } from './historyScan';

const SPEC = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'pipeline.yaml');
const CHILDREN = ['fine-tune', 'evaluate', 'deploy'];
/** Looks like a real key (OpenAI's `sk-` prefix, long), so a leak would be recognisable. */
const FAKE_API_KEY = `sk-test-${randomBytes(24).toString('hex')}`;
const ENCRYPTION_KEY = randomBytes(32);

/** Dataset content: every user message of the example dataset (its tickets are what a customer would protect). */
function datasetSnippets(datasetPath: string): string[] {
  return fs
    .readFileSync(datasetPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map(
      (l) =>
        (JSON.parse(l) as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'user')
          ?.content ?? '',
    )
    .filter((c) => c.length >= 20)
    .map((c) => c.slice(0, 40));
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

function describePlaintext(p: RunScan['plaintext'][number]): string {
  return `${p.workflowId}: ${describeSite(p.site)}`;
}

interface RunScan {
  runId: string;
  histories: number;
  /** Readable payloads, with the workflow whose history holds them. */
  plaintext: { workflowId: string; site: PayloadSite }[];
  /** Secrets (by label) found in history, artifacts or logs: must stay empty. */
  secretsFound: string[];
  /** Dataset snippets readable in history. */
  datasetInHistory: string[];
  /** Dataset snippets found in the artifact store (expected: that is where datasets live). */
  datasetInFiles: number;
  /** Payloads the codec decrypted for the secrets search (0 with the codec off). */
  decodedPayloads: number;
  /** Data about the run that only the codec hides: the spec's dataset path, the gate's scores. */
  runDataInHistory: string[];
  /** Failures (and causes) whose message or stack trace is readable in raw history. */
  readableFailures: string[];
  filesScanned: number;
}

describe('no secrets anywhere: history, artifacts and logs of a full pipeline run', () => {
  let backend: LocalOpenAIServer;
  let backendDir: string;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  const homes: string[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    backendDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-nosecrets-backend-'));
    backend = await startLocalOpenAI({ port: 0, dataDir: backendDir });
    // The worker's environment, as a user would set it: the key reaches activities only through process.env.
    process.env.OPENAI_BASE_URL = backend.baseURL;
    process.env.OPENAI_API_KEY = FAKE_API_KEY;
    nativeConnection = await connectTestWorker();
    connection = await Connection.connect({ address: testTemporalAddress() });
  });
  afterAll(async () => {
    await nativeConnection?.close();
    await connection?.close();
    await backend?.close();
    for (const dir of [backendDir, ...homes]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    process.env.OPENAI_API_KEY = saved.OPENAI_API_KEY;
    process.env.OPENAI_BASE_URL = saved.OPENAI_BASE_URL;
    process.env.TAILOR_HOME = saved.TAILOR_HOME;
  });

  async function runAndScan(codecOn: boolean): Promise<RunScan> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-nosecrets-${codecOn ? 'on' : 'off'}-`));
    homes.push(home);
    process.env.TAILOR_HOME = home;
    const keyEnv = { TAILOR_ENCRYPTION_KEYS: `nosecrets:${ENCRYPTION_KEY.toString('base64')}` };
    const dataConverter = codecOn ? tailorDataConverter(keyEnv) : undefined;
    const taskQueue = uniqueTaskQueue(`nosecrets-${codecOn ? 'on' : 'off'}`);
    const loaded = loadSpec(SPEC);
    // Runs are named by content (see docs/architecture.md, Content-derived IDs); a unique spec hash keeps this run
    // from taking the ID the plain pipeline test expects to start itself in the same jest run. The spec itself is
    // unchanged.
    const unique = {
      ...loaded,
      specSha256: createHash('sha256').update(`${loaded.specSha256}:${taskQueue}`).digest('hex'),
    };

    const output = captureOutput();
    let runId: string;
    try {
      // Workflow failures are converted inside the bundle: with the codec on, it carries the encoding converter.
      const workflowBundle = codecOn ? await bundleWorkflows(dataConverter) : await sharedBundle();
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        activities,
        workflowBundle,
        dataConverter,
      });
      const client = new Client({ connection, dataConverter });
      const result = await worker.runUntil(async () => {
        const started = await startPipeline(client, unique, { taskQueue });
        return started.handle.result();
      });
      expect(result.steps.map((s) => s.status)).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
        'completed',
      ]);
      runId = result.runId;
    } finally {
      output.restore();
    }

    // What someone with access to the Temporal server (but not the key) can read: raw histories, no codec.
    const raw = new Client({ connection });
    const histories = await Promise.all(
      [runId, ...CHILDREN.map((c) => `${runId}/${c}`)].map((id) => raw.workflow.getHandle(id).fetchHistory()),
    );
    const plaintext = histories.flatMap((h, i) =>
      plaintextPayloads(h).map((site) => ({ workflowId: i === 0 ? runId : `${runId}/${CHILDREN[i - 1]}`, site })),
    );
    const historyAll = histories.map(historyText).join('\n');
    // A key sealed inside an encrypted payload would still be a leak to anyone holding the encryption key, so the
    // secrets are also searched for in the decrypted payloads.
    const codec = dataConverter?.payloadCodecs[0];
    const decoded = codec
      ? await codec.decode(histories.flatMap((h) => payloadSites(h).map((site) => site.payload)))
      : [];
    const decodedText = decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');

    const files = [...filesUnder(home), ...filesUnder(backendDir)];
    const secrets: [string, Buffer][] = [
      ['OPENAI_API_KEY', Buffer.from(FAKE_API_KEY)],
      ['encryption key (base64)', Buffer.from(ENCRYPTION_KEY.toString('base64'))],
      ['encryption key (hex)', Buffer.from(ENCRYPTION_KEY.toString('hex'))],
      ['encryption key (raw bytes)', ENCRYPTION_KEY],
    ];
    const places: [string, Buffer][] = [
      ['history', Buffer.from(historyAll)],
      ['decrypted history', Buffer.from(decodedText)],
      ['logs', Buffer.from(output.text())],
      ...files.map((f): [string, Buffer] => [path.relative(os.tmpdir(), f), fs.readFileSync(f)]),
    ];
    const secretsFound = secrets.flatMap(([label, bytes]) =>
      places.filter(([, content]) => content.includes(bytes)).map(([where]) => `${label} in ${where}`),
    );
    const snippets = datasetSnippets(loaded.spec.dataset.path);
    const datasetInHistory = snippets.filter((s) => historyAll.includes(s));
    // The same search over the artifact store must find the tickets (they are stored there by design), which shows
    // the snippets are a search that can succeed, not a vacuous one.
    const artifactText = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const datasetInFiles = snippets.filter((s) => artifactText.includes(s)).length;
    const runDataInHistory = [loaded.spec.dataset.path, 'fine-tuned scored'].filter((s) => historyAll.includes(s));
    const failures = histories.flatMap((h) =>
      readableFailures(h).map((f) => `event ${f.eventId} ${f.path}: ${f.message}`),
    );
    return {
      runId,
      histories: histories.length,
      plaintext,
      secretsFound,
      datasetInHistory,
      datasetInFiles,
      runDataInHistory,
      readableFailures: failures,
      decodedPayloads: decoded.length,
      filesScanned: files.length,
    };
  }

  it(
    'codec on: every payload is encrypted, no dataset ' +
      'content in history, no key in history, artifacts or ' +
      'logs',
    async () => {
      const scan = await runAndScan(true);
      expect(scan.histories).toBe(4);
      expect(scan.filesScanned).toBeGreaterThan(10);
      expect(scan.plaintext.map(describePlaintext)).toEqual([]);
      expect(scan.decodedPayloads).toBeGreaterThan(50);
      expect(scan.datasetInFiles).toBeGreaterThan(100);
      expect(scan.datasetInHistory).toEqual([]);
      expect(scan.runDataInHistory).toEqual([]);
      expect(scan.readableFailures).toEqual([]);
      expect(scan.secretsFound).toEqual([]);
    },
  );

  it(
    'codec off: the same check lists the readable ' + 'payloads by event ID (and still finds no key ' + 'anywhere)',
    async () => {
      const scan = await runAndScan(false);
      const listed = scan.plaintext.map(describePlaintext);
      // The report a user gets: which payloads anyone with server access can read.
      console.info(
        `codec off, ${scan.runId}: ${listed.length} plaintext payloads\n  ${listed.join('\n  ')}\ndataset ` +
          `snippets readable: ${scan.datasetInHistory.length}`,
      );
      expect(listed.length).toBeGreaterThan(10);
      expect(listed).toContain(
        `${scan.runId}: event 1 workflowExecutionStartedEventAttributes input.payloads.0 (json/plain)`,
      );
      for (const child of CHILDREN)
        expect(listed).toContain(
          `${scan.runId}/${child}: event 1 workflowExecutionStartedEventAttributes input.payloads.0 (json/plain)`,
        );
      expect(scan.plaintext.every((p) => /^\d+$/.test(p.site.eventId))).toBe(true);
      // The spec is the user's data too, and without the codec it is readable in the run's first event.
      expect(
        scan.plaintext.some(
          ({ site: s }) => s.text.includes('gpt-4o-mini-2024-07-18') && s.text.includes('tickets.jsonl'),
        ),
      ).toBe(true);
      expect(scan.runDataInHistory).toEqual([loadSpec(SPEC).spec.dataset.path, 'fine-tuned scored']);
      // The tickets themselves stay out even so: history carries artifact references, not datasets.
      expect(scan.datasetInHistory).toEqual([]);
      // No key in history even without the codec: keys come from the worker's environment, never through history.
      expect(scan.secretsFound).toEqual([]);
    },
  );

  /**
   * A run whose first activity fails with a message that holds a marker (the dataset's path, as a real failure
   * would): with the codec on, neither the marker nor a stack frame is readable in raw history, while a client with
   * the key still reads the activity's own words; with it off, the same search finds the marker (so it can succeed).
   */
  async function failAndScan(codecOn: boolean) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-nosecrets-fail-${codecOn ? 'on' : 'off'}-`));
    homes.push(home);
    process.env.TAILOR_HOME = home;
    const marker = `tailor-failure-marker-${randomBytes(6).toString('hex')}`;
    const keyEnv = { TAILOR_ENCRYPTION_KEYS: `nosecrets:${ENCRYPTION_KEY.toString('base64')}` };
    const dataConverter = codecOn ? tailorDataConverter(keyEnv) : undefined;
    const taskQueue = uniqueTaskQueue(`nosecrets-fail-${codecOn ? 'on' : 'off'}`);
    const loaded = loadSpec(SPEC);
    // A dataset with no usable line, named by the marker: the prepare step fails naming the file.
    const broken = path.join(home, `${marker}.jsonl`);
    fs.writeFileSync(broken, 'not json at all\n'.repeat(5));
    const failing = {
      ...loaded,
      spec: { ...loaded.spec, dataset: { ...loaded.spec.dataset, path: broken } },
      specSha256: createHash('sha256').update(`${loaded.specSha256}:${taskQueue}`).digest('hex'),
    };
    const output = captureOutput();
    let runId = '';
    let seenWithKey = '';
    try {
      const workflowBundle = codecOn ? await bundleWorkflows(dataConverter) : await sharedBundle();
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        activities,
        workflowBundle,
        dataConverter,
      });
      const client = new Client({ connection, dataConverter });
      await worker.runUntil(async () => {
        const started = await startPipeline(client, failing, { taskQueue });
        runId = started.handle.workflowId;
        const outcome = await started.handle.result().then(
          (r) => r,
          (err: unknown) => err as Error,
        );
        // The pipeline records a failed step (or fails): either way the decoded chain carries the activity's words.
        seenWithKey = JSON.stringify(outcome, (_k, v: unknown) =>
          v instanceof Error ? { ...v, message: v.message, cause: v.cause } : v,
        );
      });
    } finally {
      output.restore();
    }
    const raw = new Client({ connection });
    const ids = [runId, ...CHILDREN.map((c) => `${runId}/${c}`)];
    const histories = (
      await Promise.all(
        ids.map((id) =>
          raw.workflow
            .getHandle(id)
            .fetchHistory()
            .catch(() => null),
        ),
      )
    ).filter((h): h is NonNullable<typeof h> => h !== null);
    const text = histories.map(historyText).join('\n');
    return { marker, seenWithKey, text, readable: histories.flatMap((h) => readableFailures(h)) };
  }

  it('codec on: a failing activity leaves neither its message nor its stack trace readable in history', async () => {
    const scan = await failAndScan(true);
    expect(scan.seenWithKey).toContain(scan.marker);
    expect(scan.text).not.toContain(scan.marker);
    expect(scan.text).not.toMatch(/\n\s+at \S+ \(/);
    expect(scan.readable).toEqual([]);
  });

  it('codec off: the same failure is readable, so the search above can succeed', async () => {
    const scan = await failAndScan(false);
    expect(scan.text).toContain(scan.marker);
    expect(scan.readable.length).toBeGreaterThan(0);
  });
});
