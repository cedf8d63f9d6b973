import type { PayloadCodec } from '@temporalio/common';
import { keyringFromEnv } from '../core/codec/keyring';
import { EncryptionCodec } from './encryptionCodec';

/** What `tailorDataConverter` returns: the SDK's `DataConverter` shape, both fields always set. */
export interface TailorDataConverter {
  payloadCodecs: PayloadCodec[];
  /** The module whose `failureConverter` encodes failure messages and stack traces into a payload. */
  failureConverterPath: string;
}

/** The failure converter module that puts messages and stack traces in (encrypted) payloads. */
export const ENCODED_FAILURES_PATH = require.resolve('./failureConverter');

/**
 * The data converter the client, the worker, `tailor audit` and `tailor codec-server` share: payload encryption when
 * `TAILOR_ENCRYPTION_KEYS` or `TAILOR_ENCRYPTION_KEY` is set, and with it failure messages and stack traces encoded
 * into payloads (so the codec encrypts them too); otherwise undefined (the SDK default, plain JSON and plain
 * failures). No custom payload converter. A prebuilt workflow bundle must be made with the same setting
 * (`bundleWorkflows()` reads it), since workflow failures are converted inside the bundle.
 * Search attributes are never encoded: the server must index them.
 * @throws KeyringConfigError (naming the variable, never the key) when a key variable is malformed: fail at startup,
 * not on the first payload.
 */
export function tailorDataConverter(
  env: Record<string, string | undefined> = process.env,
): TailorDataConverter | undefined {
  const keyring = keyringFromEnv(env);
  if (!keyring) return undefined;
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: ENCODED_FAILURES_PATH };
}
