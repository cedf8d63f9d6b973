import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { keyringFromEnv, KeyringConfigError } from '../../core/codec/keyring';
import { EncryptionCodec, UnknownEncryptionKeyError } from '../../workers/encryptionCodec';
import { tailorDataConverter } from '../../workers/dataConverter';
import { newKey } from './keys';

const codecFor = (env: Record<string, string>) => new EncryptionCodec(keyringFromEnv(env)!);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const SECRET = { model: 'ft:gpt-4o-mini:acme-confidential-xyzzy', line: 'my invoice #4471 was charged twice' };

describe('EncryptionCodec (AES-256-GCM with key IDs)', () => {
  const payload = (): Payload => defaultPayloadConverter.toPayload(SECRET);

  it('round-trips a payload, keeping its original metadata, and leaves no plaintext in the encoded form', async () => {
    const codec = codecFor({ TAILOR_ENCRYPTION_KEY: newKey() });
    const [enc] = await codec.encode([payload()]);
    expect(text(enc!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(enc!.metadata!['encryption-key-id'])).toBe('default');
    expect(text(enc!.data)).not.toContain('xyzzy');
    expect(Object.keys(enc!.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    const [dec] = await codec.decode([enc!]);
    expect(text(dec!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(dec!)).toEqual(SECRET);
  });

  it('encrypts each payload with a fresh nonce: equal inputs give different ciphertexts', async () => {
    const codec = codecFor({ TAILOR_ENCRYPTION_KEY: newKey() });
    const [a, b] = await codec.encode([payload(), payload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotation: data written with the old key still reads after a new write key is added in front', async () => {
    const oldKey = newKey();
    const before = codecFor({ TAILOR_ENCRYPTION_KEYS: `k2025:${oldKey}` });
    const [old] = await before.encode([payload()]);
    const after = codecFor({ TAILOR_ENCRYPTION_KEYS: `k2026:${newKey()}, k2025:${oldKey}` });
    const [fresh] = await after.encode([payload()]);
    expect(text(fresh!.metadata!['encryption-key-id'])).toBe('k2026');
    const decoded = await after.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SECRET, SECRET]);
  });

  it('fails with an error naming the key ID when a payload was sealed with a key it does not hold', async () => {
    const [enc] = await codecFor({ TAILOR_ENCRYPTION_KEYS: `retired-2024:${newKey()}` }).encode([payload()]);
    const reader = codecFor({ TAILOR_ENCRYPTION_KEYS: `k2026:${newKey()}` });
    await expect(reader.decode([enc!])).rejects.toThrow(UnknownEncryptionKeyError);
    await expect(reader.decode([enc!])).rejects.toThrow(/key ID 'retired-2024'.*known IDs: k2026/);
  });

  it('detects tampering: a flipped ciphertext bit, a relabelled key ID, a truncated payload', async () => {
    const k1 = newKey();
    const codec = codecFor({ TAILOR_ENCRYPTION_KEYS: `a:${k1},b:${k1}` });
    const [enc] = await codec.encode([payload()]);
    const flipped = Buffer.from(enc!.data!);
    flipped[flipped.length - 1]! ^= 1;
    await expect(codec.decode([{ ...enc!, data: flipped }])).rejects.toThrow(/failed authentication/);
    // Same key bytes under another ID: only the key ID (authenticated data) differs, and that is caught too.
    const relabelled = { ...enc!, metadata: { ...enc!.metadata, 'encryption-key-id': new TextEncoder().encode('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...enc!, data: Buffer.from(enc!.data!).subarray(0, 10) }])).rejects.toThrow(
      /truncated/,
    );
  });

  it(
    'passes through payloads that were never encrypted ' + '(history written before encryption was turned on)',
    async () => {
      const plain = payload();
      const [dec] = await codecFor({ TAILOR_ENCRYPTION_KEY: newKey() }).decode([plain]);
      expect(dec).toBe(plain);
    },
  );
});

describe('key configuration from the environment', () => {
  it('is off when no key variable is set', () => {
    expect(tailorDataConverter({})).toBeUndefined();
    expect(tailorDataConverter({ TAILOR_ENCRYPTION_KEY: '  ' })).toBeUndefined();
  });

  it('prefers TAILOR_ENCRYPTION_KEYS, whose first entry writes', () => {
    const ring = keyringFromEnv({
      TAILOR_ENCRYPTION_KEYS: `new:${newKey()},old:${newKey()}`,
      TAILOR_ENCRYPTION_KEY: newKey(),
    })!;
    expect(ring.writeKey.id).toBe('new');
    expect([...ring.readKeys.keys()]).toEqual(['new', 'old']);
    expect(tailorDataConverter({ TAILOR_ENCRYPTION_KEY: newKey() })?.payloadCodecs).toHaveLength(1);
  });

  const shortKey = Buffer.alloc(16, 7).toString('base64');
  it.each([
    ['TAILOR_ENCRYPTION_KEY', shortKey, /TAILOR_ENCRYPTION_KEY: the value decodes to 16 bytes/],
    ['TAILOR_ENCRYPTION_KEY', 'not base64!!', /TAILOR_ENCRYPTION_KEY: the value is not valid base64/],
    ['TAILOR_ENCRYPTION_KEYS', shortKey, /TAILOR_ENCRYPTION_KEYS: entry 1 has no key ID/],
    ['TAILOR_ENCRYPTION_KEYS', `a:${shortKey}`, /TAILOR_ENCRYPTION_KEYS: key 'a' decodes to 16 bytes/],
    ['TAILOR_ENCRYPTION_KEYS', `a b:${shortKey}`, /TAILOR_ENCRYPTION_KEYS: entry 1 has an invalid key ID/],
    ['TAILOR_ENCRYPTION_KEYS', ',', /TAILOR_ENCRYPTION_KEYS is set but holds no keys/],
  ])('%s=%s is a startup error naming the variable and never echoing the key', (variable, value, message) => {
    let caught: unknown;
    try {
      tailorDataConverter({ [variable]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KeyringConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain(shortKey);
  });

  it('rejects a duplicated key ID', () => {
    const k = newKey();
    expect(() => keyringFromEnv({ TAILOR_ENCRYPTION_KEYS: `a:${k},a:${k}` })).toThrow(/key ID 'a' appears twice/);
  });
});
