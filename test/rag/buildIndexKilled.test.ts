import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { LanceVectorStore } from '../../stores/rag/lanceStore';
import { loadDocuments } from '../../activities/rag/loadDocuments';
import { chunkDocument } from '../../core/rag/chunking';
import { buildIndexWorkflow } from '../../workflows/buildIndexWorkflow';
import { setFaults } from '../support/backendAdmin';
import { connectTestClient, eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { killHard, startWorkerProcess } from '../support/workerProcess';
import { backendInTempHome, embeddingInputs, writeSyntheticCorpus } from './support';

const CHUNKING = { chunkTokens: 40, overlap: 5 };

/**
 * The worker (a real `tailor worker` process) is SIGKILLed while buildIndex embeds; a new worker finishes the
 * build, and the backend shows that it embedded only the chunks the index did not hold when the first one died.
 */
describe('buildIndex worker killed mid-build', () => {
  let env: Awaited<ReturnType<typeof backendInTempHome>>;
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    env = await backendInTempHome('tailor-ragkill-');
    ({ client, connection } = await connectTestClient());
  });
  afterAll(async () => {
    await connection?.close();
    await env?.close();
  });

  it('resumes without re-embedding any chunk the index already holds', async () => {
    const { home, backend } = env;
    const docs = path.join(home, 'docs');
    const out = path.join(home, 'index');
    writeSyntheticCorpus(docs, 30);
    const chunks = loadDocuments(docs).flatMap((d) => chunkDocument(d, CHUNKING)).length;
    expect(chunks).toBeGreaterThan(100);
    // 5 inputs per request → ~20 chunks/s: slow enough to kill mid-way
    await setFaults(backend.baseURL, 'embeddings=slow:250');

    const taskQueue = uniqueTaskQueue('ragkill');
    const workerEnv = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      OPENAI_BASE_URL: backend.baseURL,
      OPENAI_API_KEY: 'test',
      TAILOR_HOME: home,
    };
    const first = await startWorkerProcess(workerEnv, taskQueue);
    const handle = await client.workflow.start(buildIndexWorkflow, {
      taskQueue,
      workflowId: `rag-kill-${Date.now()}`,
      args: [{ docs, out, ...CHUNKING, batch: { maxInputs: 5 }, heartbeatTimeout: '3 seconds' }],
    });
    await eventually(
      'a third of the chunks to be embedded',
      async () => ((await embeddingInputs(backend.baseURL)) >= chunks / 3 ? true : undefined),
      60_000,
    );
    await killHard(first.child);
    await new Promise((r) => setTimeout(r, 1000)); // let the backend finish any request the dead worker had sent
    const inputsAtKill = await embeddingInputs(backend.baseURL);
    const store = await LanceVectorStore.open(path.join(out, 'lance'));
    const storedAtKill = await store.count();
    await store.close();
    expect(storedAtKill).toBeGreaterThan(0);
    expect(storedAtKill).toBeLessThan(chunks);

    const second = await startWorkerProcess(workerEnv, taskQueue);
    try {
      const ref = await handle.result();
      const inputsAfter = (await embeddingInputs(backend.baseURL)) - inputsAtKill;
      console.log(
        `killed with ${storedAtKill}/${chunks} chunks stored (${inputsAtKill} inputs sent); the new worker ` +
          `embedded ${inputsAfter}`,
      );
      expect(inputsAfter).toBe(chunks - storedAtKill);
      expect(ref).toMatchObject({ chunks, embedded: chunks, reused: 0, deleted: 0 });
      const reopened = await LanceVectorStore.open(path.join(out, 'lance'));
      expect(await reopened.count()).toBe(chunks);
      expect(new Set(await reopened.listIds()).size).toBe(chunks);
      await reopened.close();
    } finally {
      await killHard(second.child);
    }
  });
});
