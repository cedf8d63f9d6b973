import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import * as activities from '../../activities';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { startCodecServer } from '../../servers/codec/codecServer';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { resolveTemporalBinary } from '../../workers/temporalBinary';
import { tailorDataConverter } from '../../workers/dataConverter';
import { evaluateWorkflow, type EvaluateInput } from '../../workflows/evaluateWorkflow';
import { historyText } from '../support/historyText';
import { connectTestWorker, sharedBundle, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { newKey } from './keys';
import { describeSite, payloadSites, plaintextPayloads } from './historyScan';

// Strings that exist only in this test's inputs: if any is readable in raw history, encryption leaked.
const SECRET_LABEL = 'Quuxmatic-confidential-variant';
const SECRET_TICKET = 'my Quuxmatic 9000 serial XYZZY-4471 was double charged';
const LABELS = ['billing', 'technical_issue'];

function testSet(): string {
  const system = `Classify the ticket: ${LABELS.join(', ')}. Answer with the label only.`;
  const rows = [SECRET_TICKET, 'the Quuxmatic app crashes with error PLUGH-17 on start'].map((user, i) => ({
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
      { role: 'assistant', content: LABELS[i] },
    ],
  }));
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

describe('payload encryption end to end: a real worker and client with the codec, a real dev server', () => {
  let home: string;
  let backend: LocalOpenAIServer;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  const saved = { ...process.env };
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-codec-it-'));
    process.env.TAILOR_HOME = home;
    backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai') });
    process.env.OPENAI_BASE_URL = backend.baseURL;
    process.env.OPENAI_API_KEY = 'test-key-not-secret';
    nativeConnection = await connectTestWorker();
    connection = await Connection.connect({ address: testTemporalAddress() });
  });
  afterAll(async () => {
    await nativeConnection?.close();
    await connection?.close();
    await backend?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
    for (const k of ['TAILOR_HOME', 'OPENAI_BASE_URL', 'OPENAI_API_KEY'] as const) process.env[k] = saved[k];
  });

  it(
    'evaluateWorkflow runs encrypted: raw history holds no plaintext input; the codec client and the real ' +
      'Temporal CLI via the codec server read it',
    async () => {
      const dataConverter = tailorDataConverter({ TAILOR_ENCRYPTION_KEYS: `it-${process.pid}:${newKey()}` })!;
      const taskQueue = uniqueTaskQueue('codec-evaluate');
      // Codecs run outside the sandbox, so the prebuilt workflow bundle works unchanged with the encrypting converter.
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        activities,
        workflowBundle: await sharedBundle(),
        dataConverter,
      });
      const client = new Client({ connection, dataConverter });
      const test = await new ArtifactStore().put(testSet(), { name: 'test.jsonl', count: 2 });
      const input: EvaluateInput = {
        variants: [{ id: 'zero', label: SECRET_LABEL, model: 'gpt-4o-mini-2024-07-18', mode: { type: 'zero-shot' } }],
        test,
        metric: 'exact_match',
        concurrency: 2,
      };
      const workflowId = `codec-evaluate-${process.pid}-${Date.now().toString(36)}`;
      const result = await worker.runUntil(
        client.workflow.execute(evaluateWorkflow, { workflowId, taskQueue, args: [input] }),
      );
      expect(result.leaderboard).toHaveLength(1);
      expect(result.leaderboard[0]).toMatchObject({ label: SECRET_LABEL, n: 2 });

      // Someone with access to the Temporal server but not the key: a client without the codec.
      const raw = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
      const sites = payloadSites(raw);
      expect(sites.length).toBeGreaterThanOrEqual(4); // workflow input and result, activity inputs and results
      expect(plaintextPayloads(raw).map(describeSite)).toEqual([]);
      const text = historyText(raw);
      for (const needle of [SECRET_LABEL, 'XYZZY-4471', 'Quuxmatic', test.sha256, 'exact_match'])
        expect(text).not.toContain(needle);

      // And the same history, decoded by the codec, is what the workflow saw.
      const [decoded] = await dataConverter.payloadCodecs[0]!.decode([rawFirstInput(raw)]);
      expect(Buffer.from(decoded!.data!).toString()).toContain(SECRET_LABEL);

      // The real Temporal CLI, pointed at `tailor codec-server`, shows the decrypted history: the protocol matches.
      const bin = resolveTemporalBinary();
      if (bin.type !== 'path') return; // only a downloaded dev server: no CLI binary to drive
      const server = await startCodecServer({
        codec: dataConverter.payloadCodecs[0]!,
        port: 0,
        token: 'it-token-0123456789',
      });
      try {
        const show = (extra: string[]) => temporalShow(bin.path, workflowId, extra);
        const plain = await show([]);
        expect(plain).toContain(b64('binary/encrypted'));
        expect(payloadDataText(plain)).not.toContain(SECRET_LABEL);
        const viaCodec = await show(['--codec-endpoint', server.url, '--codec-auth', 'Bearer it-token-0123456789']);
        expect(viaCodec).not.toContain(b64('binary/encrypted'));
        expect(payloadDataText(viaCodec)).toContain(SECRET_LABEL);
      } finally {
        await server.close();
      }
    },
  );
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The CLI's JSON output keeps payload data base64: decode every `"data"` field so its text can be searched. */
function payloadDataText(json: string): string {
  return [...json.matchAll(/"data":\s*"([A-Za-z0-9+/=]*)"/g)]
    .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))
    .join('\n');
}

function temporalShow(bin: string, workflowId: string, extra: string[]): Promise<string> {
  const args = ['workflow', 'show', '--address', testTemporalAddress(), '-w', workflowId, '--output', 'json', ...extra];
  return new Promise((resolve, reject) =>
    execFile(bin, args, { maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** The workflow's input payload as stored on the server. */
function rawFirstInput(history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>) {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new Error('no workflow input in history');
  return payload;
}
