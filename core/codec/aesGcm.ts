import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of one byte string. Layout: 12-byte random nonce | 16-byte auth tag | ciphertext.
 * `aad` (e.g. the key ID) is authenticated but not stored, so relabelling a payload with another key ID is detected.
 */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
  readonly type = 'TailorDecryptionError';
}

export function seal(key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  // A random 96-bit nonce per payload: the collision bound (2^32 messages per key) is far beyond a key's lifetime here.
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

/** @throws DecryptionError when the bytes were altered, truncated, or sealed with another key. */
export function open(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES)
    throw new DecryptionError(`encrypted payload is truncated (${sealed.length} bytes)`);
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(buf.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(buf.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('encrypted payload failed authentication: it was altered or sealed with a different key');
  }
}
