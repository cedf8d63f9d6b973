import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { TAILOR_BIN, runCli } from '../support/runCli';
import { newKey } from './keys';

describe('tailor codec-server, the real command', () => {
  it(
    'prints its loopback URL first, serves the protocol ' + 'with the token from --token-env, stops on SIGTERM',
    async () => {
      const env = { ...process.env, TAILOR_ENCRYPTION_KEY: newKey(), CODEC_TOKEN: 'cli-token-0123456789' };
      const child = spawn(process.execPath, [TAILOR_BIN, 'codec-server', '--port', '0', '--token-env', 'CODEC_TOKEN'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const nl = out.indexOf('\n');
            if (nl >= 0) resolve(out.slice(0, nl));
          });
          child.once('exit', (code) => reject(new Error(`codec-server exited early (${code})`)));
        });
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const payloads = {
          payloads: [
            {
              metadata: { encoding: Buffer.from('json/plain').toString('base64') },
              data: Buffer.from('"hi"').toString('base64'),
            },
          ],
        };
        expect(
          (
            await fetch(`${url}/encode`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payloads),
            })
          ).status,
        ).toBe(401);
        const enc = await fetch(`${url}/encode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer cli-token-0123456789' },
          body: JSON.stringify(payloads),
        });
        expect(enc.status).toBe(200);
        const dec = await fetch(`${url}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer cli-token-0123456789' },
          body: await enc.text(),
        });
        expect(await dec.json()).toEqual(payloads);
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      expect(child.exitCode).toBe(0);
    },
  );

  it.each([
    ['no key set', [], {}, /no encryption key: set TAILOR_ENCRYPTION_KEYS/],
    ['a 5-byte key', [], { TAILOR_ENCRYPTION_KEY: 'c2hvcnQ=' }, /TAILOR_ENCRYPTION_KEY: the value decodes to 5 bytes/],
    [
      'an unset token variable',
      ['--token-env', 'NO_SUCH_VAR_XYZ'],
      { TAILOR_ENCRYPTION_KEY: newKey() },
      /--token-env NO_SUCH_VAR_XYZ: that environment variable is unset or empty/,
    ],
    [
      'an origin with a path',
      ['--ui-origin', 'http://localhost:8233/path'],
      { TAILOR_ENCRYPTION_KEY: newKey() },
      /--ui-origin expects an origin/,
    ],
  ])('%s: exits 2 with a clear message', async (_what, args, env, message) => {
    const res = await runCli(['codec-server', '--port', '0', ...args], {
      TAILOR_ENCRYPTION_KEY: '',
      TAILOR_ENCRYPTION_KEYS: '',
      ...env,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toContain('c2hvcnQ=');
  });
});
