import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FeedbackStore, recordFeedback } from '../../stores/feedback/feedbackStore';
import { Registry } from '../../stores/registry/registryDb';
import { startFeedbackServer, type FeedbackServer } from '../../servers/feedback/feedbackServer';
import { loadSpec } from '../../config/loadSpec';
import { runCli, TAILOR_BIN } from '../support/runCli';
import { ticketFeedback } from './ticketFeedback';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const rows = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM feedback').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- exported JSONL rows, read field by field
type Row = Record<string, any>;
const readJsonl = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

describe('feedback: capture over HTTP and recordFeedback(), export as DPO/SFT through the data-prep step', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-feedback-'));
  const registryFile = path.join(dir, 'registry.db');
  const env = { TAILOR_REGISTRY: registryFile, TAILOR_HOME: dir };
  let server: FeedbackServer;
  beforeAll(async () => {
    server = await startFeedbackServer({ port: 0, registryFile });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'stores posted feedback once per id (201, then 200 on a retry) and exports it as DPO that tailor validate ' +
      'accepts',
    async () => {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const items = ticketFeedback(0, 14);
      // A customer's email in the input: the export must not carry it.
      items[0]!.input.messages[1]!.content += ' Reach me at jane.doe@example.com.';
      for (const item of items) {
        const res = await post(server.url, item);
        expect(res.status).toBe(201);
        expect(await res.json()).toMatchObject({ id: item.id, created: true });
      }
      const retry = await post(server.url, items[3]);
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ id: items[3]!.id, created: false });
      // The same content under a second id: stored, but the export deduplicates it.
      expect((await post(server.url, { ...items[5], id: 'ticket-5-again' })).status).toBe(201);
      // Without an id, an Idempotency-Key header keys it; a retry with the same key stores nothing new.
      const { id: _id, ...noId } = ticketFeedback(20, 1)[0]!;
      expect((await post(server.url, noId, { 'idempotency-key': 'k-20' })).status).toBe(201);
      expect((await post(server.url, noId, { 'idempotency-key': 'k-20' })).status).toBe(200);
      // An id reused for other content is refused.
      const conflict = await post(server.url, { ...items[0], answer: 'billing' });
      expect(conflict.status).toBe(409);
      expect(rows(registryFile)).toBe(16);

      const out = path.join(dir, 'prefs.jsonl');
      const exported = await runCli(
        ['feedback', 'export', '--format', 'dpo', '--out', out, '--model', 'ft:tickets', '--json'],
        env,
      );
      expect(exported.code).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({ items: 16, examples: 15, removed: { exact_duplicate: 1 } });
      const lines = readJsonl(out);
      expect(lines).toHaveLength(15);
      // A corrected answer is preferred over the original, in OpenAI's DPO shape.
      expect(lines[1]).toEqual({
        input: { messages: items[1]!.input.messages },
        preferred_output: [{ role: 'assistant', content: items[1]!.correctedAnswer }],
        non_preferred_output: [{ role: 'assistant', content: items[1]!.answer }],
      });
      expect(JSON.stringify(lines[0])).toContain('[EMAIL]');
      expect(fs.readFileSync(out, 'utf8')).not.toContain('jane.doe@example.com');

      const valid = await runCli(['validate', out, '--method', 'dpo', '--json'], env);
      expect(valid.stderr).toBe('');
      expect(valid.code).toBe(0);

      // Another model's feedback is left out with --model.
      const other = path.join(dir, 'other.jsonl');
      expect(
        (await runCli(['feedback', 'export', '--format', 'dpo', '--out', other, '--model', 'someone-else'], env)).code,
      ).toBe(0);
      expect(fs.readFileSync(other, 'utf8')).toBe('');
    },
  );

  it('refuses malformed feedback with a 400 naming the field, and stores nothing', async () => {
    const good = ticketFeedback(40, 1)[0]!;
    const before = rows(registryFile);
    const cases: [unknown, string | null][] = [
      [{ ...good, answer: undefined }, 'answer'],
      [{ ...good, rating: 7 }, 'rating'],
      [{ ...good, rating: 'meh' }, 'rating'],
      [
        { ...good, input: { messages: [...good.input.messages, { role: 'assistant', content: 'x' }] } },
        'input.messages',
      ],
      [{ ...good, input: { messages: [{ role: 'user', content: '' }] } }, 'input.messages.0.content'],
      [{ ...good, preference: { alternative: 'billing', preferred: 'neither' } }, 'preference.preferred'],
      [{ ...good, at: 'yesterday' }, 'at'],
      [{ ...good, colour: 'blue' }, 'colour'],
      [[good], null],
    ];
    for (const [body, param] of cases) {
      const res = await post(server.url, body);
      expect(res.status).toBe(400);
      const err = ((await res.json()) as { error: { type: string; param: string | null; message: string } }).error;
      expect(err).toMatchObject({ type: 'invalid_request_error', param });
      if (param) expect(err.message).toContain(param);
    }
    const notJson = await post(server.url, '{"model": ');
    expect(notJson.status).toBe(400);
    const big = await post(server.url, { ...good, answer: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(rows(registryFile)).toBe(before);
    expect((await fetch(`${server.url}/v1/feedback`)).status).toBe(405);
  });

  it(
    'exports SFT from corrected and highly rated answers; ' + 'recordFeedback() is the same store as a library call',
    async () => {
      const file = path.join(dir, 'lib.db');
      const [a, b, c] = ticketFeedback(60, 3, 'm-lib');
      recordFeedback({ ...a!, correctedAnswer: undefined, answer: 'billing', rating: 5 }, { registryFile: file });
      recordFeedback({ ...b!, correctedAnswer: undefined, answer: 'shipping', rating: 'up' }, { registryFile: file });
      recordFeedback(
        { ...c!, correctedAnswer: undefined, answer: 'refund_request', rating: 3 },
        { registryFile: file },
      );
      expect(() => recordFeedback({ ...a!, rating: 0 }, { registryFile: file })).toThrow(/rating/);
      const out = path.join(dir, 'sft.jsonl');
      const res = await runCli(['feedback', 'export', '--format', 'sft', '--out', out, '--min-rating', '4', '--json'], {
        ...env,
        TAILOR_REGISTRY: file,
      });
      expect(res.code).toBe(0);
      const lines = readJsonl(out);
      expect(lines.map((l) => l.messages.at(-1).content)).toEqual(['billing', 'shipping']);
      // An explicit preference between two answers is a DPO pair too, whichever side was preferred.
      recordFeedback(
        {
          ...c!,
          id: 'pref',
          correctedAnswer: undefined,
          rating: 2,
          preference: { alternative: 'account_access', preferred: 'alternative' },
        },
        { registryFile: file },
      );
      const dpo = path.join(dir, 'pref.jsonl');
      expect(
        (await runCli(['feedback', 'export', '--format', 'dpo', '--out', dpo], { ...env, TAILOR_REGISTRY: file })).code,
      ).toBe(0);
      expect(readJsonl(dpo).map((l) => [l.preferred_output[0].content, l.non_preferred_output[0].content])).toEqual([
        ['account_access', c!.answer],
      ]);
      // Bad options are usage errors (exit 2) with the option named, not stack traces.
      const bad = await runCli(['feedback', 'export', '--format', 'csv', '--out', out], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--format must be dpo or sft');
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('adds the feedback table to an existing registry without touching its models', () => {
    const file = path.join(dir, 'old.db');
    const old = new Registry(file);
    old.registerModel({
      model: 'ft:old',
      pipeline: 'p',
      provider: 'local',
      baseModel: 'b',
      jobId: null,
      trainSha256: null,
      specSha256: null,
      runId: 'r',
      evalReportUri: null,
      score: 0.5,
      createdAt: 1,
    });
    old.close();
    const reopened = new Registry(file);
    const store = new FeedbackStore(reopened.db);
    new FeedbackStore(reopened.db); // a second open is a no-op
    store.record(ticketFeedback(80, 1)[0]!);
    expect(store.count()).toBe(1);
    expect(reopened.getModel('ft:old')).toMatchObject({ score: 0.5 });
    reopened.close();
  });

  it('checks a feedback-sourced dataset spec: the key at fault and its line, no file needed', () => {
    const specFile = (dataset: string) => {
      const f = path.join(fs.mkdtempSync(path.join(dir, 'spec-')), 'pipeline.yaml');
      fs.writeFileSync(f, `name: fb\nbaseModel: gpt-4o-mini-2024-07-18\ndataset:\n${dataset}\nfineTune: {}\n`);
      return f;
    };
    const ok = loadSpec(specFile('  source: feedback\n  format: dpo\n  minCount: 50\n  window: 30d'));
    expect(ok.spec.dataset).toMatchObject({ source: 'feedback', format: 'dpo', minCount: 50, window: '30d', path: '' });
    expect(() => loadSpec(specFile('  source: feedback\n  format: csv'))).toThrow(
      /pipeline\.yaml:5: dataset\.format: source: feedback gives 'dpo' or 'chat'/,
    );
    expect(() => loadSpec(specFile('  source: feedback\n  path: x.jsonl'))).toThrow(
      /pipeline\.yaml:5: dataset\.path: not used with source: feedback/,
    );
    expect(() => loadSpec(specFile('  path: x.jsonl\n  minCount: 5'))).toThrow(
      /dataset\.minCount: only used with source: feedback/,
    );
    expect(() => loadSpec(specFile('  format: chat'))).toThrow(/dataset\.path: expected the dataset file/);
    // A file-sourced spec hashes as before the feedback keys existed (its run IDs do not move).
    const plain = specFile('  path: data.jsonl');
    fs.writeFileSync(path.join(path.dirname(plain), 'data.jsonl'), '{}\n');
    // computed with the schema before this change;
    expect(loadSpec(plain).specSha256).toBe('085b3974bfeb72c502bd1c3c6940b39aaa9a948f0147de7fec610be2b3027100');
  });

  it('tailor feedback-server requires the bearer token when --token-env is given', async () => {
    const child = spawn(process.execPath, [TAILOR_BIN, 'feedback-server', '--port', '0', '--token-env', 'FB_TOKEN'], {
      env: { ...process.env, ...env, FB_TOKEN: 'sesame-123' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`feedback-server exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const before = rows(registryFile);
      const item = ticketFeedback(100, 1)[0]!;
      const none = await post(url, item);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      expect((await post(url, item, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect(rows(registryFile)).toBe(before);
      expect((await post(url, item, { authorization: 'Bearer sesame-123' })).status).toBe(201);
      expect(rows(registryFile)).toBe(before + 1);
    } finally {
      child.kill('SIGTERM');
    }
    // An unset variable is a usage error, not a server without a token.
    const unset = await runCli(['feedback-server', '--token-env', 'FB_TOKEN_UNSET_X'], env);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('FB_TOKEN_UNSET_X');
  });
});
