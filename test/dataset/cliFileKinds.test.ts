import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chatLines, useTmpHome, writeJsonl } from './support';

const tmp = useTmpHome();
const ROOT = path.join(__dirname, '..', '..');

function tailor(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'tailor.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAILOR_HOME: path.join(tmp.dir(), 'home') },
    timeout: 60_000, // a hang on a FIFO fails the test instead of stalling it
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

describe.each(['validate', 'prep'])('tailor %s on something that is not a regular file', (cmd) => {
  test('a directory: "is a directory", exit 2', () => {
    const r = tailor(cmd, tmp.dir());
    expect(r).toMatchObject({ code: 2, signal: null });
    expect(r.stderr).toContain(`${tmp.dir()} is a directory`);
    expect(r.stderr).not.toMatch(/no such file|\n\s+at /);
  });

  test('a FIFO: "not a regular file (a FIFO)", exit 2, without waiting for a writer', () => {
    const fifo = path.join(tmp.dir(), `pipe-${cmd}`);
    const mk = spawnSync('mkfifo', [fifo]);
    expect(mk.status).toBe(0);
    const r = tailor(cmd, fifo);
    expect(r).toMatchObject({ code: 2, signal: null });
    expect(r.stderr).toContain(`${fifo} is not a regular file (a FIFO)`);
  });

  test('/dev/zero: "not a regular file (a character device)", exit 2', () => {
    const r = tailor(cmd, '/dev/zero');
    expect(r).toMatchObject({ code: 2, signal: null });
    expect(r.stderr).toContain('/dev/zero is not a regular file (a character device)');
  });
});

describe('tailor prep --out', () => {
  test('a file where the folder should be: exit 2 before anything is stored', () => {
    const file = writeJsonl(tmp.dir(), 'ok.jsonl', chatLines(30));
    const notDir = path.join(tmp.dir(), 'a-file');
    fs.writeFileSync(notDir, 'x');
    const r = tailor('prep', file, '--out', notDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${notDir} is not a directory`);
    expect(r.stderr).not.toMatch(/EEXIST|\n\s+at /);
    // Nothing was prepared: the artifact store was never created.
    expect(fs.existsSync(path.join(tmp.dir(), 'home', 'artifacts'))).toBe(false);
    expect(fs.readFileSync(notDir, 'utf8')).toBe('x');
  });

  test('/etc/passwd, and a path under a file, are refused the same way', () => {
    const file = writeJsonl(tmp.dir(), 'ok2.jsonl', chatLines(30));
    const passwd = tailor('prep', file, '--out', '/etc/passwd');
    expect(passwd).toMatchObject({ code: 2, stderr: expect.stringContaining('--out /etc/passwd is not a directory') });
    const under = path.join(tmp.dir(), 'a-file2', 'sub');
    fs.writeFileSync(path.join(tmp.dir(), 'a-file2'), 'x');
    const r = tailor('prep', file, '--out', under);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a directory') });
  });

  test('a new folder is created and filled', () => {
    const file = writeJsonl(tmp.dir(), 'ok3.jsonl', chatLines(30));
    const out = path.join(tmp.dir(), 'new', 'out');
    const r = tailor('prep', file, '--out', out);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'test.jsonl', 'train.jsonl', 'validation.jsonl']);
  });
});
