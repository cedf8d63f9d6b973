/**
 * The failure converter used when payload encryption is on, loaded by path (`failureConverterPath`) so the same
 * module runs in the workflow sandbox and outside it. With `encodeCommonAttributes`, a failure's message and stack
 * trace (provider error text, file paths, gate reasons) move into `encodedAttributes`, a payload the encryption codec
 * seals like any other; history keeps only the SDK's placeholder message `Encoded failure`. Clients and workers decode
 * them back through the same data converter, so error messages read as before to whoever holds the key.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
