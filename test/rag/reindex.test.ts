import fs from 'node:fs';
import path from 'node:path';
import { loadDocuments } from '../../activities/rag/loadDocuments';
import { chunkDocument } from '../../core/rag/chunking';
import type { LocalOpenAIServer } from '../../providers/local/server';
import { runCli } from '../support/runCli';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { backendInTempHome, copyDocs, embeddingInputs, EXAMPLE_DOCS } from './support';

const CHUNKING = { chunkTokens: 60, overlap: 10 };

/**
 * `tailor index` and `tailor ask` as a user runs them (real CLI processes, the real Temporal dev server, the local
 * backend over HTTP): a re-index after editing one document embeds exactly that document's changed chunks, as
 * the backend counts them, and the answer comes from the new text.
 */
describe('tailor index / tailor ask', () => {
  let home: string;
  let backend: LocalOpenAIServer;
  let env: NodeJS.ProcessEnv;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ home, backend, close } = await backendInTempHome('tailor-rag-'));
    env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      OPENAI_BASE_URL: backend.baseURL,
      OPENAI_API_KEY: 'test',
      TAILOR_HOME: home,
      TAILOR_TASK_QUEUE: uniqueTaskQueue('rag-cli'),
    };
  });
  afterAll(() => close?.());

  const chunkIds = (docs: string, source: string) =>
    new Set(
      loadDocuments(docs)
        .filter((d) => d.source === source)
        .flatMap((d) => chunkDocument(d, CHUNKING).map((c) => c.id)),
    );

  it('re-indexes only the changed chunks of an edited document, and answers from the new text', async () => {
    const docs = path.join(home, 'docs');
    const out = path.join(home, 'index');
    copyDocs(EXAMPLE_DOCS, docs);
    const index = () =>
      runCli(
        [
          'index',
          docs,
          '--out',
          out,
          '--chunk-tokens',
          String(CHUNKING.chunkTokens),
          '--overlap',
          String(CHUNKING.overlap),
          '--json',
        ],
        env,
      );

    const first = await index();
    expect(first.stderr).not.toMatch(/WARN/);
    expect(first.code).toBe(0);
    const ref1 = JSON.parse(first.stdout) as {
      chunks: number;
      embedded: number;
      reused: number;
      deleted: number;
      manifestSha256: string;
    };
    expect(ref1.embedded).toBe(ref1.chunks);
    expect(await embeddingInputs(backend.baseURL)).toBe(ref1.chunks);
    expect(new Set(loadDocuments(docs).map((d) => d.source)).size).toBe(12);

    const before = chunkIds(docs, 'refunds.md');
    const file = path.join(docs, 'refunds.md');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('within 45 days of delivery. The 45-day window', 'within 60 days of delivery. The 60-day window'),
    );
    const after = chunkIds(docs, 'refunds.md');
    const added = [...after].filter((id) => !before.has(id)).length;
    const removed = [...before].filter((id) => !after.has(id)).length;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(after.size); // the other sections of the document are untouched

    const second = await index();
    expect(second.code).toBe(0);
    const ref2 = JSON.parse(second.stdout) as typeof ref1;
    expect(ref2).toMatchObject({
      chunks: ref1.chunks - removed + added,
      embedded: added,
      reused: ref1.chunks - removed,
      deleted: removed,
    });
    expect(ref2.manifestSha256).not.toBe(ref1.manifestSha256);
    expect(await embeddingInputs(backend.baseURL)).toBe(ref1.chunks + added);

    const asked = await runCli(
      ['ask', out, 'How many days after delivery can a customer request a full refund?', '--json'],
      env,
    );
    expect(asked.code).toBe(0);
    const answer = JSON.parse(asked.stdout) as { answer: string; cited: { n: number; label: string; text: string }[] };
    expect(answer.answer).toContain('60 days');
    expect(answer.answer).not.toContain('45');
    expect(answer.cited[0]!.label.startsWith('refunds.md')).toBe(true);
    expect(answer.answer).toMatch(/\[1\]/);

    // An off-topic question: the documents say nothing about it, and the answer says so instead of guessing.
    const offTopic = await runCli(['ask', out, 'What is the capital of France?', '--json'], env);
    expect(offTopic.code).toBe(0);
    const notCovered = { answer: 'The documents do not cover this question.', cited: [] };
    expect(JSON.parse(offTopic.stdout)).toMatchObject(notCovered);

    const text = await runCli(['ask', out, 'Which carrier delivers Orbitkeep parcels?', '--hybrid', '--mmr'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Veldpost/);
    expect(text.stdout).toMatch(/\n\[1\] \(shipping\.md#Shipping/);
  });

  it('reports a bad document by file and line, and a missing index clearly, with exit 2', async () => {
    const bad = path.join(home, 'bad');
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'kb.jsonl'), '{"text": "fine"}\n{"body": "no text field"}\n');
    const r = await runCli(['index', bad, '--out', path.join(home, 'bad-index')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("kb.jsonl:2: expected a string field 'text' (missing)");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['ask', path.join(home, 'nowhere'), 'why?'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a Tailor index/);
  });
});
