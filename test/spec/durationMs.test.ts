import fs from 'node:fs';
import path from 'node:path';
import { DurationSchema, durationMs } from '../../core/spec/duration';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory())
      return e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.') ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('durations in milliseconds', () => {
  it('reads every unit a spec may write, as the SDK reads the same string', () => {
    const cases: [string, number][] = [
      ['500ms', 500],
      ['2 milliseconds', 2],
      ['5s', 5_000],
      ['1 second', 1_000],
      ['30 seconds', 30_000],
      ['2m', 120_000],
      ['2 minutes', 120_000],
      ['1.5h', 5_400_000],
      ['1 hour', 3_600_000],
      ['3 days', 259_200_000],
      ['30d', 2_592_000_000],
    ];
    for (const [text, ms] of cases) {
      expect(DurationSchema.safeParse(text).success).toBe(true);
      expect([text, durationMs(text)]).toEqual([text, ms]);
    }
  });

  it('gives NaN for what the schema refuses, so a refinement refuses it too', () => {
    for (const text of ['', '5', 'soon', '5 weeks', '-1s', '5 sec']) {
      expect(DurationSchema.safeParse(text).success).toBe(false);
      expect(durationMs(text)).toBeNaN();
    }
  });

  it('no source file reads durations through the SDK’s internal time module', () => {
    const internal = sources(ROOT).filter((f) =>
      /from '@temporalio\/common\/lib\/time'/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(internal.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
