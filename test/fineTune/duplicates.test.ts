import { splitDuplicates } from '../../core/fineTune/duplicates';
import { CLIENT_TIMEOUT_MS, requestTimeoutMs } from '../../providers/openai/attemptOptions';

describe('settling remote copies', () => {
  const copies = [
    { id: 'b', createdAt: 20 },
    { id: 'c', createdAt: 10 },
    { id: 'a', createdAt: 10 },
  ];
  it('keeps the oldest (ties by ID) and calls every other copy an extra', () => {
    const { kept, extras } = splitDuplicates(copies);
    expect(kept?.id).toBe('a');
    expect(extras.map((c) => c.id)).toEqual(['c', 'b']);
  });
  it('keeps the copy the caller holds, even when an older one turns up later', () => {
    const { kept, extras } = splitDuplicates(copies, 'b');
    expect(kept?.id).toBe('b');
    expect(extras.map((c) => c.id)).toEqual(['a', 'c']);
    expect(splitDuplicates([], 'b')).toEqual({ kept: undefined, extras: [] });
  });
});

describe('a provider request stays inside its activity attempt', () => {
  it('ends before the start-to-close deadline, with a margin of a fifth (at most a second)', () => {
    expect(requestTimeoutMs(3_000, 1_000, 1_000)).toBe(2_400); // providerCall: 3s
    expect(requestTimeoutMs(30_000, 0, 5_000)).toBe(24_000); // 30 s attempt, 5 s already spent
    expect(requestTimeoutMs(2 * 3600_000, 0, 0)).toBe(CLIENT_TIMEOUT_MS); // never above the client's ceiling
    expect(requestTimeoutMs(3_000, 0, 10_000)).toBe(1); // already past: give up at once
  });
});
