/**
 * Collects everything this process writes to stdout/stderr and through `console` while a run is in flight: the
 * worker's, the activities' and the local backend's logs, which the secrets test must search too.
 */
export function captureOutput(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const record = (args: unknown[]) =>
    chunks.push(
      args
        .map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : safeJson(a)))
        .join(' '),
    );
  const outWrite = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  const wrap = (orig: typeof process.stdout.write) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      record([typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')]);
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = wrap(outWrite);
  process.stderr.write = wrap(errWrite);
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((m) => console[m]);
  methods.forEach((m, i) => {
    console[m] = (...args: unknown[]) => {
      record(args);
      originals[i]!.apply(console, args);
    };
  });
  return {
    text: () => chunks.join('\n'),
    restore() {
      process.stdout.write = outWrite;
      process.stderr.write = errWrite;
      methods.forEach((m, i) => (console[m] = originals[i]!));
    },
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
