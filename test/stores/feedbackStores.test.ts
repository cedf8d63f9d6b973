import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZodError } from 'zod';
import { openFeedbackStore, SqliteFeedbackBackend, type FeedbackBackend } from '../../stores/feedback/feedbackBackend';
import { FeedbackConflictError } from '../../stores/feedback/feedbackStore';
import { PostgresFeedbackStore } from '../../stores/registry/postgresFeedbackStore';
import { ticketFeedback } from '../feedback/ticketFeedback';
import { startPostgres, type PostgresServer } from './support/postgresServer';

// One contract, two backends: the registry's SQLite file (the default) and a real PostgreSQL started for this file.
let server: PostgresServer;
let tmp: string;
let dbNo = 0;
const opened: FeedbackBackend[] = [];

async function openMany(kind: 'sqlite' | 'postgres', n: number): Promise<FeedbackBackend[]> {
  const spec =
    kind === 'sqlite'
      ? path.join(fs.mkdtempSync(path.join(tmp, 'sqlite-')), 'registry.db')
      : await server.createDatabase(`feedback_${++dbNo}`);
  const handles = await Promise.all(Array.from({ length: n }, () => openFeedbackStore({ TAILOR_REGISTRY: spec })));
  opened.push(...handles);
  return handles;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-feedback-stores-'));
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'] as const)('feedback store contract: %s', (kind) => {
  test('stores once per id; other content under a used id is refused; a bad body stores nothing', async () => {
    const [store] = await openMany(kind, 1);
    expect(store).toBeInstanceOf(kind === 'sqlite' ? SqliteFeedbackBackend : PostgresFeedbackStore);
    const [a, b] = ticketFeedback(0, 2);
    expect(await store!.record(a!, 2_000)).toEqual({ id: 'ticket-0', created: true });
    expect(await store!.record(a!, 3_000)).toEqual({ id: 'ticket-0', created: false });
    await expect(store!.record({ ...b!, id: 'ticket-0' })).rejects.toBeInstanceOf(FeedbackConflictError);
    await expect(store!.record({ ...b!, rating: 7 } as never)).rejects.toBeInstanceOf(ZodError);
    const { id: _id, ...noId } = b!;
    const keyed = await store!.record({ ...noId, rating: 4, at: '2026-01-01T00:00:00Z' }, 1_000);
    expect(keyed).toMatchObject({ id: expect.stringMatching(/^fb-[0-9a-f]{32}$/), created: true });
    expect(await store!.count()).toBe(2);
    const listed = await store!.list();
    expect(listed.map((r) => [r.id, r.at, r.rating])).toEqual([
      ['ticket-0', 2_000, 'down'],
      [keyed.id, Date.parse('2026-01-01T00:00:00Z'), 4],
    ]);
    expect(listed[0]).toEqual({ ...a!, at: 2_000 });
    expect(await store!.list({ since: 3_000 })).toHaveLength(1);
    expect(await store!.list({ model: 'other' })).toEqual([]);
  });

  test('ties in time are ordered by id, byte-wise, as an export needs', async () => {
    const [store] = await openMany(kind, 1);
    const items = ticketFeedback(10, 4).map((f, i) => ({ ...f, id: ['b', 'B', 'a-1', 'a_1'][i]! }));
    for (const f of items) await store!.record(f, 5_000);
    expect((await store!.list()).map((r) => r.id)).toEqual(['B', 'a-1', 'a_1', 'b']);
  });

  test('the same item sent from four connections at once is stored exactly once', async () => {
    const handles = await openMany(kind, 4);
    const items = ticketFeedback(20, 10);
    const results = await Promise.all(handles.flatMap((h) => items.map((f) => h.record(f))));
    expect(results.filter((r) => r.created)).toHaveLength(items.length);
    expect(await handles[0]!.count()).toBe(items.length);
  });
});
