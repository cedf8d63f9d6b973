import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';

type FailureNode = { message?: string | null; stackTrace?: string | null; encodedAttributes?: Payload | null };

const isPayload = (v: unknown): v is Payload => !!v && typeof v === 'object' && 'metadata' in v;

/**
 * Restores, in place, the message and stack trace of every failure in a raw history (or `describe()` answer) whose
 * common attributes were encoded (`encodedAttributes`, sealed by the codec when encryption is on): what the SDK's
 * failure converter does for clients, for code that reads raw events, such as `tailor audit`. A failure whose
 * attributes cannot be decoded (a key this process lacks) keeps the placeholder message.
 */
export async function decodeFailureAttributes(
  node: unknown,
  codec: PayloadCodec | undefined,
  depth = 0,
): Promise<void> {
  if (!node || typeof node !== 'object' || depth > 40) return;
  const failure = node as FailureNode;
  if (isPayload(failure.encodedAttributes)) {
    try {
      const [decoded] = codec ? await codec.decode([failure.encodedAttributes]) : [failure.encodedAttributes];
      const attrs = defaultPayloadConverter.fromPayload<{ message?: unknown; stack_trace?: unknown }>(decoded!);
      if (typeof attrs?.message === 'string') failure.message = attrs.message;
      if (typeof attrs?.stack_trace === 'string') failure.stackTrace = attrs.stack_trace;
    } catch {
      // Left as recorded: the reader shows "Encoded failure" rather than failing the whole report.
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'encodedAttributes' && key !== 'searchAttributes' && value && typeof value === 'object') {
      await decodeFailureAttributes(value, codec, depth + 1);
    }
  }
}
