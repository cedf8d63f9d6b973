import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './freePort';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PYTHON = path.join(ROOT, '.tools', 'moto', 'bin', 'python');

/** Requests moto answers before it checks credentials: the three IAM calls below that make the test's user. */
const BOOTSTRAP_REQUESTS = 3;
const BOOTSTRAP = `
import boto3, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='bootstrap',
                   aws_secret_access_key='bootstrap')
iam.create_user(UserName='tailor')
key = iam.create_access_key(UserName='tailor')['AccessKey']
policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}
iam.put_user_policy(UserName='tailor', PolicyName='all', PolicyDocument=json.dumps(policy))
print(json.dumps({'accessKeyId': key['AccessKeyId'], 'secretAccessKey': key['SecretAccessKey']}))
`;

export interface MotoServer {
  endpoint: string;
  /** A user moto knows; any other key (or a wrong secret) is refused with 403, as AWS would. */
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server on loopback: moto (PyPI `moto[server]`, installed by `npm run setup:stores` into
 * .tools/moto), with authentication on, so wrong credentials fail as they do on AWS. Fails, naming the setup
 * command, when moto is not installed.
 */
export async function startMoto(): Promise<MotoServer> {
  if (!fs.existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import moto.server'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'moto is not installed in .tools/moto: run `npm run setup:stores` first (it installs moto[server])',
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(BOOTSTRAP_REQUESTS), PYTHONUNBUFFERED: '1' };
  const child = spawn(PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const stop = () => stopChild(child);
  try {
    await waitForPort(port, child, () => log);
    const made = spawnSync(PYTHON, ['-c', BOOTSTRAP, endpoint], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`moto: creating the test's IAM user failed:\n${made.stderr}`);
    const key = JSON.parse(made.stdout) as { accessKeyId: string; secretAccessKey: string };
    return { endpoint, ...key, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}) before it listened:\n${log()}`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not listen on port ${port} within 30 s:\n${log()}`);
}

/** A TCP probe, not an HTTP request: moto counts requests before it starts checking credentials. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
