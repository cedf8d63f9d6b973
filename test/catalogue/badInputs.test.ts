import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { connectTestClient, testTemporalAddress } from '../support/temporal';
import { CATALOGUE, CLI_CATALOGUE, HTTP_CATALOGUE } from './badInputs';
import type { CliEntry } from './catalogueTypes';
import { BODY_LIMIT } from './entries/http';
import {
  filesUnder,
  materialise,
  runBinary,
  runInProcess,
  sendRequest,
  STACK_TRACE,
  type CliOutcome,
} from './runEntry';

/** Nothing listens on port 1: a command that tries to reach Temporal for a bad input fails this test loudly. */
const NO_TEMPORAL = '127.0.0.1:1';

function expectClearError(entry: CliEntry, r: CliOutcome): void {
  expect(r.threw).toBeUndefined();
  const all = r.stdout + r.stderr;
  expect({ code: r.code, output: all }).toEqual({
    code: entry.expect.exitCode,
    output: expect.stringMatching(entry.expect.message),
  });
  // Usage errors and bad files go to stderr, with nothing on stdout a script could mistake for a result.
  if (entry.expect.exitCode === 2) expect(r.stdout).toBe('');
  expect(all).not.toMatch(STACK_TRACE);
}

describe('the bad-input catalogue', () => {
  test('has at least 40 entries in every category, with unique ids', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CATALOGUE.map((e) => e.id)).size).toBe(CATALOGUE.length);
    const kinds = new Set(CATALOGUE.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['cli', 'dataset', 'http', 'prompt', 'spec', 'suite']);
  });

  describe('CLI entries, in process: the message and exit code, no stack trace, nothing written, no Temporal', () => {
    test.each(CLI_CATALOGUE.map((e) => [e.id, e] as const))('%s', async (_id, entry) => {
      const { home, tmp, argv } = materialise(entry);
      const r = await runInProcess(argv, { TAILOR_HOME: home, TMPDIR: tmp, TEMPORAL_ADDRESS: NO_TEMPORAL });
      expectClearError(entry, r);
      expect(filesUnder(home)).toEqual([]);
      expect(filesUnder(tmp)).toEqual([]);
    });
  });

  describe('CLI entries through the real `tailor` binary', () => {
    const entries = CLI_CATALOGUE.filter((e) => e.binary);
    test.each(entries.map((e) => [e.id, e] as const))('%s', async (_id, entry) => {
      const { home, argv } = materialise(entry);
      const r = await runBinary(argv, { TAILOR_HOME: home, TEMPORAL_ADDRESS: testTemporalAddress() });
      expectClearError(entry, r);
      expect(filesUnder(home)).toEqual([]);
    });

    test('started no workflow (pipeline runs and evals are named after their catalogue-* spec)', async () => {
      expect(entries.some((e) => e.kind === 'spec') && entries.some((e) => e.kind === 'suite')).toBe(true);
      const { client, connection } = await connectTestClient();
      try {
        const n = await client.workflow.count(
          `WorkflowId STARTS_WITH 'catalogue-' OR WorkflowId STARTS_WITH 'eval-catalogue-'`,
        );
        expect(n.count).toBe(0);
      } finally {
        await connection.close();
      }
    });
  });

  describe('HTTP entries against the local backend: status and OpenAI-style error JSON', () => {
    let server: LocalOpenAIServer;
    let origin: string;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-cat-backend-'));
    beforeAll(async () => {
      server = await startLocalOpenAI({ port: 0, dataDir, stepDelayMs: 1, maxBodyBytes: BODY_LIMIT });
      origin = new URL(server.baseURL).origin;
    });
    afterAll(async () => {
      await server?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test.each(HTTP_CATALOGUE.map((e) => [e.id, e] as const))('%s', async (_id, entry) => {
      const r = await sendRequest(origin, entry.request);
      expect(r.status).toBe(entry.expect.httpStatus);
      expect(r.contentType).toMatch(/^application\/json/);
      const body = r.body as { error: { message: unknown; type: unknown; param: unknown; code: unknown } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body.error).toEqual({
        message: expect.stringMatching(entry.expect.message),
        type: expect.any(String),
        param: 'param' in entry.expect ? entry.expect.param : body.error.param,
        code: 'code' in entry.expect ? entry.expect.code : body.error.code,
      });
      expect(body.error.param === null || typeof body.error.param === 'string').toBe(true);
      expect(body.error.code === null || typeof body.error.code === 'string').toBe(true);
      expect(String(body.error.message)).not.toMatch(STACK_TRACE);
    });

    test('kept nothing: no file stored, no job created', async () => {
      const get = async (p: string) =>
        (await sendRequest(origin, { method: 'GET', path: p })).body as { data: unknown[] };
      expect((await get('/v1/files')).data).toEqual([]);
      expect((await get('/v1/fine_tuning/jobs')).data).toEqual([]);
    });
  });
});
