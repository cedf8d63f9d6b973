/**
 * A dataset watcher and a sunset successor fingerprint the spec's dataset file on every tick. Specs whose data is
 * exported by each run (feedback, capture) or named by its prompts (distill) have no such file: the commands refuse
 * them up front, exit 2, naming the file and the key and what to use instead, and start nothing.
 */
import { connectTestClient, testTemporalAddress } from '../support/temporal';
import { runCli } from '../support/runCli';
import { exampleSpecWith } from '../support/specFiles';

const split = { validation: 0.1, test: 0.2, seed: 'file-only' };
const specs: [string, string][] = [
  [
    'capture',
    exampleSpecWith({
      name: 'file-only-capture',
      dataset: { source: 'capture', alias: 'tickets@prod', format: 'chat', split },
    }),
  ],
  ['feedback', exampleSpecWith({ name: 'file-only-feedback', dataset: { source: 'feedback', format: 'chat', split } })],
  [
    'distill',
    exampleSpecWith({
      name: 'file-only-distill',
      dataset: { source: 'distill', format: 'chat', split },
      distill: { teacher: { model: 'gpt-4o' }, prompts: { from: 'capture', alias: 'tickets@prod' }, heldOut: 0.25 },
    }),
  ],
];

describe.each(specs)('a %s spec', (source, file) => {
  const key = source === 'distill' ? 'distill' : 'dataset.source';
  const watch = 'tailor schedule create NAME --spec';
  const sunset = 'tailor capture export and tailor feedback export';
  it.each([
    ['tailor watch', ['watch', '--spec', file, '--every', '1h'], watch],
    ['tailor notify-change', ['notify-change', '--spec', file], watch],
    [
      'tailor sunset --successor-spec',
      ['sunset', '--successor-spec', file, '--schedule', '1d', '--name', 'file-only-sunset'],
      sunset,
    ],
  ])('is refused by %s before anything starts', async (_name, argv, instead) => {
    const { code, stdout, stderr } = await runCli(argv, { TEMPORAL_ADDRESS: testTemporalAddress() });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(file);
    expect(stderr).toContain(`${key}:`);
    expect(stderr).toContain(instead);
    expect(stderr).not.toMatch(/TypeError|\n\s+at /);
  });
});

test('no watcher or sunset schedule was started for any of them', async () => {
  const { client, connection } = await connectTestClient();
  try {
    for (const name of ['capture', 'feedback', 'distill'])
      await expect(client.workflow.getHandle(`watch-file-only-${name}`).describe()).rejects.toThrow();
    await expect(client.schedule.getHandle('file-only-sunset').describe()).rejects.toThrow();
  } finally {
    await connection.close();
  }
});
