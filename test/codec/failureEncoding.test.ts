/**
 * With encryption on, failure messages and stack traces are encoded into a payload the codec seals, on the client and
 * the worker alike (the SDK's failure converter with `encodeCommonAttributes`), and `tailor audit`'s raw-history
 * reader restores them for whoever holds the key.
 */
import { ApplicationFailure, type ProtoFailure } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { tailorDataConverter } from '../../workers/dataConverter';
import { decodeFailureAttributes } from '../../workers/failureAttributes';
import { newKey } from './keys';

const MARKER = 'tailor-failure-marker-9c2d /home/alice/private/tickets.jsonl';

describe('failure attributes under encryption', () => {
  const env = { TAILOR_ENCRYPTION_KEYS: `fail:${newKey()}` };

  it('moves message and stack trace into an encrypted payload; the same converter reads them back', async () => {
    const dc = tailorDataConverter(env)!;
    expect(dc.failureConverterPath).toMatch(/failureConverter\.(ts|js)$/);
    const loaded = loadDataConverter(dc);
    const cause = ApplicationFailure.nonRetryable(MARKER, 'ProbeFailure');
    const failure = await encodeErrorToFailure(loaded, new Error('outer', { cause }));
    const asText = (_k: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v);
    const bytes = JSON.stringify(failure, asText);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.cause?.message).toBe('Encoded failure');
    expect(failure.stackTrace ?? '').toBe('');
    expect(bytes).not.toContain('tailor-failure-marker');
    expect(bytes).not.toContain('/home/alice');
    const back = (await decodeOptionalFailureToOptionalError(loaded, failure)) as Error & { cause?: Error };
    expect(back.cause?.message).toBe(MARKER);

    // A raw-history reader (tailor audit) with the codec restores the text in place.
    const raw: { events: { failure: ProtoFailure }[] } = { events: [{ failure }] };
    await decodeFailureAttributes(raw, dc.payloadCodecs[0]);
    expect(raw.events[0]!.failure.cause?.message).toBe(MARKER);
    expect(raw.events[0]!.failure.stackTrace).toMatch(/failureEncoding\.test/);
  });

  it('leaves failures as the SDK writes them with encryption off (the default converter)', async () => {
    expect(tailorDataConverter({})).toBeUndefined();
    const plain = ApplicationFailure.nonRetryable(MARKER, 'ProbeFailure');
    const failure = await encodeErrorToFailure(loadDataConverter(), plain);
    expect(failure.message).toBe(MARKER);
  });
});
