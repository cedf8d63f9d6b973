import type { Payload, PayloadCodec } from '@temporalio/common';
import { open, seal } from '../core/codec/aesGcm';
import type { Keyring } from '../core/codec/keyring';
import { packPayload, unpackPayload } from '../core/codec/payloadEnvelope';

/** Metadata that marks a payload as ours; everything else passes through (e.g. history written before encryption). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

/**
 * A payload sealed with a key this process does not hold: rotation removed it too early, or the key is misconfigured.
 */
export class UnknownEncryptionKeyError extends Error {
  override name = 'UnknownEncryptionKeyError';
  readonly type = 'TailorUnknownEncryptionKey';
  constructor(
    readonly keyId: string,
    known: string[],
  ) {
    super(
      `payload was encrypted with key ID '${keyId}', which is not in TAILOR_ENCRYPTION_KEYS (known IDs: ` +
        `${known.join(', ') || 'none'}); add that key back as a read key`,
    );
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/**
 * AES-256-GCM over whole payloads (see docs/architecture.md, No secrets in history, logs or artifacts). Runs
 * outside the workflow sandbox, on
 * the client and the worker alike, so everything that enters history is ciphertext. The key ID is stored in the
 * clear (the reader needs it) and bound as additional authenticated data, so it cannot be swapped undetected.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyring.writeKey;
    return payloads.map((p) => ({
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
      data: seal(key, packPayload(p), utf8(id)),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (text(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return p;
      const id = text(p.metadata?.[KEY_ID_METADATA]);
      const entry = this.keyring.readKeys.get(id);
      if (!entry) throw new UnknownEncryptionKeyError(id, [...this.keyring.readKeys.keys()]);
      return unpackPayload(open(entry.key, p.data ?? new Uint8Array(), utf8(id)));
    });
  }
}
