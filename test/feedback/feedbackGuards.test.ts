/**
 * The feedback server under a web page's requests: a text/plain POST (no preflight needed) and any POST from a
 * foreign Origin are refused with or without a token, nothing is stored, and the export carries no attacker text.
 * Oversized fields are refused with a 400 naming the field and the limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFeedbackServer, type FeedbackServer } from '../../servers/feedback/feedbackServer';
import { MAX_FEEDBACK_MESSAGES, MAX_FEEDBACK_TEXT_CHARS } from '../../core/feedback/feedbackLimits';
import { ticketFeedback } from './ticketFeedback';

const EVIL = 'https://evil.example';
const TOKEN = 'feedback-guard-0123456789';
const JSON_TYPE = { 'content-type': 'application/json' };

const rows = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM feedback').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/v1/feedback`, { method: 'POST', headers, body });
  const answer = (await res.json()) as { error?: { message: string; param: string | null; code: string | null } };
  return { status: res.status, error: answer.error };
}

describe('feedback server: cross-site writes and field caps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-feedback-guards-'));
  const registryFile = path.join(dir, 'registry.db');
  let open: FeedbackServer;
  let locked: FeedbackServer;
  let allowing: FeedbackServer;
  beforeAll(async () => {
    open = await startFeedbackServer({ port: 0, registryFile });
    locked = await startFeedbackServer({ port: 0, registryFile, token: TOKEN });
    allowing = await startFeedbackServer({ port: 0, registryFile, allowedOrigins: ['https://app.example'] });
  });
  afterAll(async () => {
    for (const s of [open, locked, allowing]) await s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses text/plain (415) and foreign-Origin (403) POSTs, token or not, and stores nothing', async () => {
    const attack = { ...ticketFeedback(0, 1)[0]!, id: 'attack', answer: 'ATTACKER TEXT', rating: 'up' as const };
    const body = JSON.stringify(attack);
    // Both servers exist before the first write, so the table does too.
    expect((await post(open.url, JSON.stringify(ticketFeedback(1, 1)[0]), JSON_TYPE)).status).toBe(201);
    const before = rows(registryFile);
    for (const [server, auth] of [
      [open, {}],
      [locked, { authorization: `Bearer ${TOKEN}` }],
    ] as const) {
      const plain = await post(server.url, body, { 'content-type': 'text/plain', ...auth });
      expect([plain.status, plain.error?.code]).toEqual([415, 'unsupported_media_type']);
      const plainEvil = await post(server.url, body, { 'content-type': 'text/plain', origin: EVIL, ...auth });
      expect([plainEvil.status, plainEvil.error?.code]).toEqual([403, 'origin_not_allowed']);
      const jsonEvil = await post(server.url, body, { 'content-type': 'application/json', origin: EVIL, ...auth });
      expect(jsonEvil.status).toBe(403);
      expect(jsonEvil.error?.message).toMatch(/Origin 'https:\/\/evil\.example' is not allowed/);
    }
    expect(rows(registryFile)).toBe(before);
    const db = new Database(registryFile, { readonly: true });
    try {
      expect(JSON.stringify(db.prepare('SELECT * FROM feedback').all())).not.toContain('ATTACKER TEXT');
    } finally {
      db.close();
    }
    // Behaviour unchanged: a program's JSON POST is stored.
    expect((await post(open.url, JSON.stringify(ticketFeedback(2, 1)[0]), JSON_TYPE)).status).toBe(201);
  });

  it('lets an allowed web app post, with CORS headers and a preflight answer', async () => {
    const pre = await fetch(`${allowing.url}/v1/feedback`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const ok = await fetch(`${allowing.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify(ticketFeedback(3, 1)[0]),
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('caps field sizes with a 400 naming the field and the limit, storing nothing', async () => {
    const good = ticketFeedback(10, 1)[0]!;
    const long = 'y'.repeat(MAX_FEEDBACK_TEXT_CHARS + 1);
    const many = Array.from({ length: MAX_FEEDBACK_MESSAGES + 1 }, () => ({ role: 'user' as const, content: 'hi' }));
    const before = rows(registryFile);
    const cases: [unknown, string, string][] = [
      [{ ...good, answer: long }, 'answer', `the limit is ${MAX_FEEDBACK_TEXT_CHARS}`],
      [{ ...good, correctedAnswer: long }, 'correctedAnswer', `${MAX_FEEDBACK_TEXT_CHARS + 1} characters`],
      [{ ...good, preference: { alternative: long, preferred: 'answer' } }, 'preference.alternative', 'the limit'],
      [{ ...good, input: { messages: [{ role: 'user', content: long }] } }, 'input.messages.0.content', 'the limit'],
      [{ ...good, input: { messages: many } }, 'input.messages', `the limit is ${MAX_FEEDBACK_MESSAGES}`],
      [{ ...good, model: 'm'.repeat(500) }, 'model', 'the limit is 200'],
    ];
    for (const [body, param, text] of cases) {
      const r = await post(open.url, JSON.stringify(body), { 'content-type': 'application/json' });
      expect([param, r.status, r.error?.param, r.error?.code]).toEqual([param, 400, param, 'field_too_long']);
      expect(r.error?.message).toContain(text);
    }
    expect(rows(registryFile)).toBe(before);
  });
});
