import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './freePort';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPostgresBin } = require('../../../scripts/postgresBin') as { findPostgresBin: () => string | undefined };

export interface PostgresServer {
  /** postgres://tailor:PASSWORD@127.0.0.1:PORT/tailor */
  url: string;
  port: number;
  user: string;
  password: string;
  /** A URL to another database of the same server (created empty), for a test that needs a fresh schema. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL on loopback for one test file: initdb in a temporary folder (password authentication, so a
 * wrong password fails as in production), pg_ctl on a free port, the folder removed by `stop`. initdb refuses to run
 * as root, so as root the server runs as the `postgres` user (Debian's package creates it). Fails, naming the setup
 * command, when PostgreSQL's server binaries are missing.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found: run `npm run setup:stores` for what is missing ' +
        '(on Debian/Ubuntu: apt-get install -y postgresql), or set TAILOR_PG_BIN',
    );
  }
  const asUser = runAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-pg-'));
  const data = path.join(dir, 'data');
  const user = 'tailor';
  const password = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(dir, 'pw'), password);
  if (asUser) {
    fs.chmodSync(dir, 0o700);
    fs.chownSync(dir, asUser.uid, asUser.gid);
    fs.chownSync(path.join(dir, 'pw'), asUser.uid, asUser.gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asUser
      ? ['runuser', ['-u', asUser.name, '--', path.join(bin, cmd), ...args]]
      : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  };
  const port = await freePort();
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      user,
      '--auth=scram-sha-256',
      `--pwfile=${path.join(dir, 'pw')}`,
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    user,
    password,
    async createDatabase(name) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://${user}:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** As root: the `postgres` user (initdb will not run as root); otherwise undefined (run as ourselves). */
function runAs(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0) throw new Error('running as root and there is no `postgres` user for PostgreSQL to run as');
  return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
