/**
 * What the distill tests on captured traffic share: the example's tickets as captured requests, a `distill:` spec
 * whose teacher is a second local backend (the stand-in, over loopback HTTP), and that backend's request count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { captureRow } from '../../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../../core/capture/captureSettings';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../../providers/local/server';
import { CaptureStore, capturePath } from '../../../stores/capture/captureStore';
import { EXAMPLE_SPEC, exampleSpecWith } from '../../support/specFiles';

const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');

/** Lines `from`..`to` of the example's tickets file. */
export function tickets(from: number, to: number): string[] {
  return fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean).slice(from, to);
}

/** Tickets `from`..`to` as requests the gateway captured for `alias` (their labels are not in the requests). */
export function captureTraffic(alias: string, from: number, to: number): void {
  const store = new CaptureStore(capturePath());
  const settings = CaptureSettingsSchema.parse({});
  store.insert(
    tickets(from, to).map((line, i) => {
      const { messages } = JSON.parse(line) as { messages: { role: string; content: string }[] };
      const exchange = {
        ...{ alias, requestedModel: alias, model: 'gpt-4o-mini', variant: 'primary', stream: false, latencyMs: 3 },
        request: { model: 'gpt-4o-mini', messages: messages.slice(0, -1) },
        response: { id: `chatcmpl-${alias}-${from + i}`, choices: [{ message: { role: 'assistant', content: 'x' } }] },
      };
      return captureRow(exchange, settings, Date.now() - 1000 + i)!;
    }),
  );
  store.close();
}

/** A spec distilling the teacher (`TEACHER_BASE_URL`) on `prompts` into the example's student, auto-promoted. */
export function distillSpec(name: string, prompts: Record<string, unknown>, tag: string): string {
  return exampleSpecWith({
    name,
    dataset: { source: 'distill', format: 'chat', split: { validation: 0.1, test: 0.2, seed: name } },
    distill: {
      teacher: { model: 'gpt-4o', provider: { type: 'openai-compatible', baseUrlEnv: 'TEACHER_BASE_URL' } },
      prompts,
      heldOut: 0.25,
      seed: `distill-${tag}`,
    },
    baselines: { zeroShot: true },
    fineTune: {
      method: { type: 'supervised', hyperparameters: { n_epochs: 1 } },
      suffix: tag,
      poll: { initial: '300ms', max: '2s' },
    },
    evaluation: { metric: 'exact_match', concurrency: 8, maxExamples: 5 },
    gate: { minImprovement: -1 },
    deploy: { alias: 'prod', approval: 'auto' },
  });
}

/** Starts the teacher's backend under `home` for the file's tests (as `TEACHER_BASE_URL`); `requests()` counts. */
export function useTeacherBackend(home: () => string): { requests(): Promise<number> } {
  let teacher: LocalOpenAIServer | undefined;
  beforeAll(async () => {
    teacher = await startLocalOpenAI({ port: 0, dataDir: path.join(home(), 'teacher-backend') });
    process.env.TEACHER_BASE_URL = teacher.baseURL;
  });
  afterAll(async () => {
    delete process.env.TEACHER_BASE_URL;
    await teacher?.close();
  });
  return {
    async requests() {
      const res = await fetch(`${teacher!.baseURL}/_admin/usage`);
      return ((await res.json()) as { chat: { requests: number } }).chat.requests;
    },
  };
}
