import type { WorkflowHandle } from '@temporalio/client';
import { DecryptionError } from '../../core/codec/aesGcm';
import { keyringFromEnv } from '../../core/codec/keyring';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, UnknownEncryptionKeyError } from '../../workers/encryptionCodec';

const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/**
 * Why this process cannot read a run's payloads, as a sentence naming the key ID, or undefined when `err` is not
 * about encryption: no key configured (the SDK then meets an unknown encoding), a key ID this keyring lacks, or a
 * key under the right ID that does not open them.
 */
export async function encryptionProblem(
  err: unknown,
  handle: WorkflowHandle,
  runId: string,
): Promise<string | undefined> {
  const chain: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  const unknownKey = chain.find((e): e is UnknownEncryptionKeyError => e instanceof UnknownEncryptionKeyError);
  if (unknownKey) return `cannot read run ${runId}: ${unknownKey.message}`;
  const sealed = chain.some(
    (e) => e instanceof DecryptionError || (e instanceof Error && e.message.includes(ENCRYPTED_ENCODING)),
  );
  const keyId = sealed ? await sealingKeyId(handle) : undefined;
  if (keyId === undefined) return undefined;
  const keyring = keyringFromEnv(process.env);
  if (!keyring) {
    return (
      `cannot read run ${runId}: its payloads are encrypted with key ID '${keyId}' and no key is configured; ` +
      `set TAILOR_ENCRYPTION_KEYS=${keyId}:BASE64KEY (the key the workers use)`
    );
  }
  return (
    `cannot read run ${runId}: its payloads are encrypted with key ID '${keyId}', and the key under that ID in ` +
    `TAILOR_ENCRYPTION_KEYS (or TAILOR_ENCRYPTION_KEY) does not open them: it is not the key that sealed them`
  );
}

/** The key ID in the clear on the run's first encrypted payload (its start input), read from raw history. */
async function sealingKeyId(handle: WorkflowHandle): Promise<string> {
  try {
    const history = await handle.fetchHistory();
    for (const event of history.events ?? []) {
      for (const p of event.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) {
        if (text(p.metadata?.encoding) === ENCRYPTED_ENCODING) return text(p.metadata?.[KEY_ID_METADATA]) || '(none)';
      }
    }
  } catch {
    // Fall through: the error itself still says the payloads are encrypted.
  }
  return '(unknown)';
}
