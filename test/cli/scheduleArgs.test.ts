import { cronProblem } from '../../core/operations/cronExpression';
import { runCli } from '../support/runCli';
import { exampleSpecWith } from '../support/specFiles';
import { connectTestClient, testTemporalAddress } from '../support/temporal';

describe('cron expressions', () => {
  it.each(['0 2 * * *', '*/15 9-17 * * MON-FRI', '0 0 1,15 JAN-JUN 0', '5 4 * * 7', '@daily'])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });
  it.each([
    ['garbage', /expected 5 fields/],
    ['61 25 32 13 8', /minute '61' is not a number from 0 to 59/],
    ['0 25 * * *', /hour '25'/],
    ['* * * * * * * *', /got 8/],
    ['*/0 * * * *', /step/],
    ['0 5-2 * * *', /backwards/],
    ['0 2 * FOO *', /month 'FOO'/],
  ])('refuses %s', (expr, message) => {
    expect(cronProblem(expr)).toMatch(message);
  });
});

/** A schedule's timing is a user's input: a bad one is exit 2 with a message, before anything is created. */
describe('tailor schedule create with a bad --cron or --every', () => {
  const spec = exampleSpecWith({ name: 'sched-bad-args' });
  it.each([
    [['--cron', 'garbage'], /--cron 'garbage': expected 5 fields/],
    [['--cron', '61 25 32 13 8'], /minute '61'/],
    [['--cron', '0 0 1 1 1 2026 1 1'], /got 8/],
    [['--every', '1ms'], /--every must be at least 1s, got '1ms'/],
  ])('%j → exit 2', async (args, message) => {
    const name = `sched-bad-${Date.now().toString(36)}`;
    const argv = ['schedule', 'create', name, '--spec', spec, ...args];
    const { code, stdout, stderr } = await runCli(argv, { TEMPORAL_ADDRESS: testTemporalAddress() });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/TypeError|\n\s+at /);
    const { client, connection } = await connectTestClient();
    try {
      await expect(client.schedule.getHandle(name).describe()).rejects.toThrow();
    } finally {
      await connection.close();
    }
  });
});
