import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/runCli';
import { connectTestClient, testTemporalAddress } from '../support/temporal';

/** A user's mistake in a spec: exit 2, the file and the key named, no stack trace, nothing started on the server. */
describe('tailor run with a bad pipeline spec', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-badspec-'));
  fs.writeFileSync(
    path.join(dir, 'data.jsonl'),
    '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"billing"}]}\n',
  );
  const base = (pipeline: string) =>
    [
      `name: ${pipeline}`,
      'baseModel: gpt-4o-mini-2024-07-18',
      'dataset:',
      '  path: data.jsonl',
      'fineTune:',
      '  suffix: x',
    ].join('\n');
  const cases: { name: string; yaml: string; key: string; message: RegExp; line: number }[] = [
    {
      name: 'missing dataset file',
      yaml: base('bad-missing').replace('data.jsonl', 'nowhere.jsonl'),
      key: 'dataset.path',
      message: /no such file/,
      line: 4,
    },
    {
      name: 'unknown key',
      yaml: base('bad-unknown') + '\nfineTune2: {}\n',
      key: 'fineTune2',
      message: /unknown key 'fineTune2'/,
      line: 7,
    },
    {
      name: 'wrong type',
      yaml: base('bad-type') + '\nevaluation:\n  concurrency: lots\n',
      key: 'evaluation.concurrency',
      message: /expected number/,
      line: 8,
    },
    {
      name: 'zero timeout',
      yaml: base('bad-t0') + '\ntimeouts:\n  providerCall: 0s\n',
      key: 'timeouts.providerCall',
      message: /at least 1s/,
      line: 8,
    },
    {
      name: 'tiny heartbeat',
      yaml: base('bad-t1') + '\ntimeouts:\n  upload:\n    heartbeat: 500ms\n',
      key: 'timeouts.upload.heartbeat',
      message: /at least 1s/,
      line: 9,
    },
    {
      name: 'negative timeout',
      yaml: base('bad-t2') + '\ntimeouts:\n  data: -5s\n',
      key: 'timeouts.data',
      message: /duration/,
      line: 8,
    },
    {
      name: 'missing key',
      yaml: base('bad-nokey').replace('baseModel: gpt-4o-mini-2024-07-18\n', ''),
      key: 'baseModel',
      message: /missing/,
      line: 0,
    },
  ];

  it.each(cases)('$name → exit 2 naming the file and the key', async ({ name, yaml, key, message, line }) => {
    const file = path.join(dir, `${name.replace(/ /g, '-')}.yaml`);
    fs.writeFileSync(file, yaml);
    const { code, stderr, stdout } = await runCli(['run', file], { TEMPORAL_ADDRESS: testTemporalAddress() });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(file);
    expect(stderr).toContain(`${key}:`);
    expect(stderr).toMatch(message);
    if (line) expect(stderr).toContain(`${file}:${line}:`);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('started nothing on the server', async () => {
    const { client, connection } = await connectTestClient();
    try {
      const n = await client.workflow.count(`WorkflowId STARTS_WITH 'bad-'`);
      expect(n.count).toBe(0);
    } finally {
      await connection.close();
    }
  });
});
