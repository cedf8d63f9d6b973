/**
 * A Temporal payload (metadata + data) as one byte string, so the whole payload, including its original encoding
 * metadata, is what gets encrypted. A small length-prefixed format instead of protobuf keeps core free of Temporal.
 *
 * Layout: version byte (1) | u32 entry count | per entry: u32 key length, key (UTF-8), u32 value length, value | data.
 */

/** Structurally a Temporal `IPayload`, without importing it. */
export interface RawPayload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}

const VERSION = 1;

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function packPayload(p: RawPayload): Buffer {
  const entries = Object.entries(p.metadata ?? {});
  const parts: Buffer[] = [Buffer.from([VERSION]), u32(entries.length)];
  for (const [k, v] of entries) {
    const key = Buffer.from(k, 'utf8');
    parts.push(u32(key.length), key, u32(v.length), Buffer.from(v));
  }
  parts.push(Buffer.from(p.data ?? new Uint8Array()));
  return Buffer.concat(parts);
}

export function unpackPayload(bytes: Uint8Array): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > buf.length) throw new EnvelopeError('decrypted payload envelope is truncated');
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  const version = take(1)[0];
  if (version !== VERSION) throw new EnvelopeError(`unknown payload envelope version ${String(version)}`);
  const count = take(4).readUInt32BE();
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const key = take(take(4).readUInt32BE()).toString('utf8');
    metadata[key] = Uint8Array.from(take(take(4).readUInt32BE()));
  }
  return { metadata, data: Uint8Array.from(buf.subarray(at)) };
}
