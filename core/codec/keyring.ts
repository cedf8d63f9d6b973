/**
 * The encryption keys Tailor's payload codec uses, parsed from the worker's environment (see docs/architecture.md,
 * No secrets in history, logs or artifacts).
 * Pure: no I/O and nothing of Temporal, so the CLI, the worker and tests share one parser.
 */

/** A named AES-256 key. The ID travels with every payload so a reader knows which key sealed it. */
export interface EncryptionKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** The key that seals new payloads, and every key that may open old ones (rotation). */
export interface Keyring {
  writeKey: EncryptionKey;
  /** By ID; includes `writeKey`. */
  readKeys: ReadonlyMap<string, EncryptionKey>;
}

export const KEYS_VAR = 'TAILOR_ENCRYPTION_KEYS';
export const KEY_VAR = 'TAILOR_ENCRYPTION_KEY';
/** The ID given to the single key of `TAILOR_ENCRYPTION_KEY`. */
export const DEFAULT_KEY_ID = 'default';

/**
 * A malformed key variable. The message names the variable and the entry's position or ID, never the key material:
 * startup errors end up in logs and terminals.
 */
export class KeyringConfigError extends Error {
  override name = 'KeyringConfigError';
  readonly type = 'TailorKeyringConfigError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeKey(variable: string, where: string, raw: string): Buffer {
  const text = raw.trim();
  // Buffer.from(…, 'base64') silently skips junk, so check the alphabet first or a typo would yield a short key.
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw new KeyringConfigError(
      `${variable}: ${where} is not valid base64 (expected a base64-encoded 32-byte key, e.g. from \`openssl ` +
        `rand -base64 32\`)`,
    );
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new KeyringConfigError(
      `${variable}: ${where} decodes to ${key.length} bytes; AES-256 needs exactly 32 (\`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/** `id:base64key,id2:base64key2`: the first entry writes, every entry reads. */
function parseKeyList(raw: string): Keyring {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0)
    throw new KeyringConfigError(`${KEYS_VAR} is set but holds no keys (expected id:base64key[,id:base64key...])`);
  const readKeys = new Map<string, EncryptionKey>();
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const where = `entry ${i + 1}`;
    if (colon < 0) throw new KeyringConfigError(`${KEYS_VAR}: ${where} has no key ID (expected id:base64key)`);
    const id = entry.slice(0, colon).trim();
    if (!KEY_ID.test(id))
      throw new KeyringConfigError(`${KEYS_VAR}: ${where} has an invalid key ID (use 1-64 of A-Z a-z 0-9 . _ -)`);
    if (readKeys.has(id)) throw new KeyringConfigError(`${KEYS_VAR}: key ID '${id}' appears twice`);
    const key: EncryptionKey = { id, key: decodeKey(KEYS_VAR, `key '${id}'`, entry.slice(colon + 1)) };
    readKeys.set(id, key);
    return key;
  });
  return { writeKey: keys[0]!, readKeys };
}

/**
 * The keyring from `TAILOR_ENCRYPTION_KEYS` (preferred: it carries IDs, so keys can rotate) or
 * `TAILOR_ENCRYPTION_KEY` (one key, ID `default`); undefined when neither is set (encryption off).
 * @throws KeyringConfigError on a malformed value.
 */
export function keyringFromEnv(env: Record<string, string | undefined>): Keyring | undefined {
  const list = env[KEYS_VAR];
  if (list !== undefined && list.trim() !== '') return parseKeyList(list);
  const single = env[KEY_VAR];
  if (single !== undefined && single.trim() !== '') {
    const key: EncryptionKey = { id: DEFAULT_KEY_ID, key: decodeKey(KEY_VAR, 'the value', single) };
    return { writeKey: key, readKeys: new Map([[key.id, key]]) };
  }
  return undefined;
}
