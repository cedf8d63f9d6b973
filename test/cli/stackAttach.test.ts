import { isDevTarget, stackLine, type Stack } from '../../cli/stack/embeddedStack';

const dev = {
  pid: 4242,
  temporalAddress: '127.0.0.1:7233',
  namespace: 'default',
  openaiBaseURL: 'http://127.0.0.1:8377/v1',
};

describe('which stack a command attaches to', () => {
  it('TEMPORAL_ADDRESS naming the running tailor dev (any loopback spelling, same namespace) is that dev stack', () => {
    for (const address of ['127.0.0.1:7233', 'localhost:7233', 'LOCALHOST:7233'])
      expect(isDevTarget({ address, namespace: 'default' }, dev)).toBe(true);
    expect(isDevTarget({ address: '127.0.0.1:7234', namespace: 'default' }, dev)).toBe(false);
    expect(isDevTarget({ address: '127.0.0.1:7233', namespace: 'prod' }, dev)).toBe(false);
    expect(isDevTarget({ address: 'temporal.example.com:7233', namespace: 'default' }, dev)).toBe(false);
  });

  it('says which provider and which workers run the work', () => {
    const base = { target: { address: 'temporal.example.com:7233', namespace: 'default' } } as Stack;
    const own = stackLine({
      ...base,
      openaiBaseURL: 'http://127.0.0.1:5555/v1',
      origin: { temporal: 'environment', provider: 'local backend', worker: 'this command' },
    });
    expect(own).toBe(
      'Temporal: environment at temporal.example.com:7233; provider: a local backend started for this ' +
        'command at http://127.0.0.1:5555/v1; ' +
        "workers: a worker in this command on task queue 'tailor' (with any other worker polling 'tailor' there)",
    );
    const attached = stackLine({
      ...base,
      dev,
      openaiBaseURL: dev.openaiBaseURL,
      origin: { temporal: 'tailor dev', provider: 'tailor dev', worker: 'tailor dev' },
    });
    expect(attached).toContain(
      "provider: tailor dev's backend at http://127.0.0.1:8377/v1; workers: tailor dev's worker (pid 4242) " +
        'runs the work',
    );
  });
});
