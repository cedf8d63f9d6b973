import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCodecServer } from '../../servers/codec/codecServer';
import { startLocalOpenAI } from '../../providers/local/server';
import { devServerArgs, startDevServer, type RunningDevServer } from '../../workers/devServer';
import { freePort } from '../../workers/freePort';
import { tempDataDir } from '../localBackend/support/backend';
import { isLoopback, listeningSockets, listeningSocketsOf } from '../support/listeningSockets';

/** Nothing Tailor starts listens beyond loopback. Checked on the kernel's socket table (Linux). */
const listenersOn = (port: number) => listeningSockets().filter((s) => s.port === port);

test('the local backend binds 127.0.0.1 only', async () => {
  const server = await startLocalOpenAI({ dataDir: tempDataDir(), port: 0 });
  try {
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(listenersOn(server.port).length).toBeGreaterThan(0);
    for (const s of listenersOn(server.port)) expect(isLoopback(s.address)).toBe(true);
  } finally {
    await server.close();
  }
});

test('the codec server binds 127.0.0.1 only', async () => {
  const codec = { encode: async <T>(p: T) => p, decode: async <T>(p: T) => p };
  const server = await startCodecServer({ codec, port: 0 });
  try {
    const port = Number(new URL(server.url).port);
    expect(listenersOn(port).length).toBeGreaterThan(0);
    for (const s of listenersOn(port)) expect(isLoopback(s.address)).toBe(true);
  } finally {
    await server.close();
  }
});

/**
 * `tailor dev` (cli/stack/embeddedStack.ts → workers/devServer.ts) must never expose the Temporal dev server beyond
 * loopback: every socket the server process listens on (gRPC, Web UI, HTTP API, metrics) is on 127.0.0.1.
 */
describe('the embedded Temporal dev server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-devloop-'));
  let server: RunningDevServer;
  let port = 0;
  let uiPort = 0;
  beforeAll(async () => {
    port = await freePort();
    uiPort = await freePort();
    server = await startDevServer({
      port,
      uiPort,
      dbFile: path.join(dir, 'dev.db'),
      logFile: path.join(dir, 'server.log'),
    });
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('is started with --ip 127.0.0.1 and no other bind address', () => {
    const args = devServerArgs(port, { uiPort });
    expect(args[args.indexOf('--ip') + 1]).toBe('127.0.0.1');
    expect(args).not.toContain('--ui-ip');
    if (server.pid === undefined) return; // the @temporalio/testing download path: no process of ours to read
    const cmdline = fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline[cmdline.indexOf('--ip') + 1]).toBe('127.0.0.1');
  });

  test('listens on loopback only, gRPC and Web UI included', () => {
    if (server.pid === undefined) return;
    const sockets = listeningSocketsOf(server.pid);
    const ports = sockets.map((s) => s.port);
    expect(ports).toEqual(expect.arrayContaining([port, uiPort]));
    const exposed = sockets.filter((s) => !isLoopback(s.address));
    expect(exposed).toEqual([]);
  });
});
