import type { PayloadCodec } from '@temporalio/common';
import { keyringFromEnv } from '../core/codec/keyring';
import { EncryptionCodec } from './encryptionCodec';

/**
 * The data converter the client, the worker and `tailor audit` share: payload encryption when
 * `TAILOR_ENCRYPTION_KEYS` or `TAILOR_ENCRYPTION_KEY` is set, otherwise undefined (the SDK default, plain JSON).
 * Only a codec, no custom payload converter, so a prebuilt workflow bundle stays valid either way.
 * @throws KeyringConfigError (naming the variable, never the key) when a key variable is malformed: fail at startup,
 * not on the first payload.
 */
export function tailorDataConverter(env: Record<string, string | undefined> = process.env): { payloadCodecs: PayloadCodec[] } | undefined {
  const keyring = keyringFromEnv(env);
  return keyring ? { payloadCodecs: [new EncryptionCodec(keyring)] } : undefined;
}
