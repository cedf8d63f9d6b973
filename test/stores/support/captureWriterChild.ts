/**
 * The gateway's capture path on its own, as a process a test can kill -9: exchanges offered to a CaptureWriter as
 * fast as the event loop allows, the store being the one TAILOR_REGISTRY / TAILOR_CAPTURE_DB select (here
 * PostgreSQL). Prints `ready` once the store is open, then `ack <responseId>` for every row once its batch has
 * committed.
 */
import { CaptureSettingsSchema } from '../../../core/capture/captureSettings';
import { openCaptureStore } from '../../../stores/capture/captureBackend';
import { CaptureWriter } from '../../../stores/capture/captureWriter';

async function main(): Promise<void> {
  const store = await openCaptureStore();
  const writer = new CaptureWriter(store, {
    batchMs: 5,
    maxBatch: 64,
    onCommit: (ids) => process.stdout.write(ids.map((id) => `ack ${id}\n`).join('')),
  });
  const settings = CaptureSettingsSchema.parse({});
  process.stdout.write('ready\n');
  let n = 0;
  const offerSome = () => {
    for (let i = 0; i < 20; i++, n++) {
      writer.offer(
        {
          alias: 'tickets@prod',
          requestedModel: 'tickets@prod',
          model: 'gpt-4o-mini',
          variant: 'primary',
          stream: false,
          request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `where is order ${n}?` }] },
          response: {
            id: `chatcmpl-${String(n).padStart(8, '0')}`,
            choices: [{ message: { role: 'assistant', content: 'shipping' } }],
            usage: { prompt_tokens: 12, completion_tokens: 1 },
          },
          latencyMs: 3,
        },
        settings,
      );
    }
    setTimeout(offerSome, 1);
  };
  offerSome();
}

void main();
