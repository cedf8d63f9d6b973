import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';

const ROOT = path.join(__dirname, '..', '..');
const PY_SDK_PYTHON = path.join(ROOT, '.tools', 'python-openai', 'bin', 'python'); // a venv of its own
const SCRIPT = path.join(ROOT, 'test', 'fixtures', 'python', 'journey.py');
const TICKETS = path.join(ROOT, 'examples', 'support-tickets', 'data', 'tickets.jsonl');

/** Faithful enough for any OpenAI client: OpenAI's own Python SDK, unchanged, runs the whole fine-tuning path. */
describe('the local backend with the official Python SDK', () => {
  let backend: LocalOpenAIServer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-py-'));
    backend = await startLocalOpenAI({ port: 0, dataDir: dir, stepDelayMs: 2 });
  });
  afterAll(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, fine-tunes, lists by metadata, chats, embeds and gets typed errors', async () => {
    expect(fs.existsSync(PY_SDK_PYTHON)).toBe(true); // made by `npm install` (scripts/install-python-openai.js)
    const train = path.join(dir, 'train.jsonl');
    fs.writeFileSync(train, fs.readFileSync(TICKETS, 'utf8').split('\n').slice(0, 120).join('\n') + '\n');
    // Asynchronous: the backend answers from this same process, so its event loop must keep running.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(PY_SDK_PYTHON, [SCRIPT, backend.baseURL, train]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out.status).toBe('succeeded');
    expect(out.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:tailor-local:py:/);
    expect((out.listed as string[]).length).toBe(1);
    expect(out.event_types).toContain('metrics');
    expect(out.model_listed).toBe(true);
    // A small learner trained on 120 tickets: it answers with one of the labels it was trained on.
    expect([
      'billing',
      'technical_issue',
      'account_access',
      'shipping',
      'refund_request',
      'product_question',
    ]).toContain(out.reply);
    expect(out.usage).toBeGreaterThan(0);
    expect(out.request_id).toMatch(/^req_/);
    expect(out.embedding_dims).toEqual([64, 64]);
    expect(out.not_found).toEqual({ status: 404, code: expect.any(String) });
  });
});
