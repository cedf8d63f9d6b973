import { mapBounded } from '../../core/concurrency/mapBounded';

/** A call the test finishes by hand, so nothing here depends on timing. */
interface Held {
  item: number;
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/** `fn` for mapBounded that records every call and holds it until the test settles it. */
function heldCalls() {
  const calls: Held[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = (item: number) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<string>((resolve, reject) => {
      calls.push({ item, resolve, reject });
    }).finally(() => inFlight--);
  };
  return { calls, fn, started: () => calls.map((c) => c.item), maxInFlight: () => maxInFlight };
}

/** Lets every pending promise continuation run. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('mapBounded', () => {
  it('returns results in the order of the items, whatever order they finish in', async () => {
    const h = heldCalls();
    const all = mapBounded([0, 1, 2, 3], 4, h.fn);
    await settle();
    for (const c of [...h.calls].reverse()) c.resolve(`r${c.item}`);
    await expect(all).resolves.toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('keeps at most `limit` calls in flight, starts the first ones synchronously and in order', async () => {
    const h = heldCalls();
    const all = mapBounded([0, 1, 2, 3, 4, 5, 6], 3, h.fn);
    // Started before any await: what a workflow schedules in its first activation.
    expect(h.started()).toEqual([0, 1, 2]);
    h.calls[1]!.resolve('r1');
    await settle();
    expect(h.started()).toEqual([0, 1, 2, 3]);
    while (h.calls.some((c) => c.item === 6) === false) {
      for (const c of h.calls) c.resolve(`r${c.item}`);
      await settle();
    }
    for (const c of h.calls) c.resolve(`r${c.item}`);
    await expect(all).resolves.toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(h.maxInFlight()).toBe(3);
    expect(h.started()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a thrown error propagates at once and no new item starts after it', async () => {
    const h = heldCalls();
    const all = mapBounded([0, 1, 2, 3, 4], 2, h.fn);
    const outcome = all.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    h.calls[0]!.reject(new Error('item 0 failed'));
    await settle();
    expect(await outcome).toBe('item 0 failed');
    // Item 1 is still in flight; finishing it must not start items 2..4.
    h.calls[1]!.resolve('r1');
    await settle();
    expect(h.started()).toEqual([0, 1]);
  });

  it('with onError drain, waits for the work in flight before rejecting with the first error', async () => {
    const h = heldCalls();
    let rejected: unknown;
    const all = mapBounded([0, 1, 2, 3], 3, h.fn, { onError: 'drain' }).catch((e: unknown) => (rejected = e));
    h.calls[1]!.reject(new Error('first'));
    await settle();
    expect(rejected).toBeUndefined();
    h.calls[0]!.reject(new Error('second'));
    await settle();
    expect(rejected).toBeUndefined();
    h.calls[2]!.resolve('r2');
    await all;
    expect((rejected as Error).message).toBe('first');
    expect(h.started()).toEqual([0, 1, 2]);
  });

  it('an empty input resolves to an empty array without calling fn', async () => {
    const fn = jest.fn(async () => 'never');
    await expect(mapBounded([], 4, fn)).resolves.toEqual([]);
    await expect(mapBounded([], 4, fn, { onError: 'drain' })).resolves.toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a limit above the item count starts one call per item; a limit below 1 is refused', async () => {
    const h = heldCalls();
    const all = mapBounded([0, 1], 8, h.fn);
    expect(h.started()).toEqual([0, 1]);
    for (const c of h.calls) c.resolve(`r${c.item}`);
    await expect(all).resolves.toEqual(['r0', 'r1']);
    await expect(mapBounded([1], 0, async () => 1)).rejects.toThrow(/limit must be at least 1, got 0/);
  });
});
