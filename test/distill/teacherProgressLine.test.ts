/**
 * The `distill` step's live line reads the askTeacher activity's last heartbeat from the run's pending activities,
 * decoded by the client's data converter (here the default one, over a described run's raw pending activities).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultFailureConverter, defaultPayloadConverter, type LoadedDataConverter } from '@temporalio/common';
import { teacherProgressLine } from '../../cli/stack/teacherProgressLine';

const converter: LoadedDataConverter = {
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: [],
};

function described(pendingActivities: unknown[]): WorkflowHandle {
  return { describe: async () => ({ raw: { pendingActivities } }) } as unknown as WorkflowHandle;
}

const heartbeat = (type: string, details: unknown) => ({
  activityType: { name: type },
  heartbeatDetails: { payloads: [defaultPayloadConverter.toPayload(details)] },
});

describe('teacherProgressLine', () => {
  test("the teacher's answered/total from askTeacher's last heartbeat", async () => {
    const handle = described([
      heartbeat('evaluateShard', { done: 3, total: 9 }),
      heartbeat('askTeacher', { done: 120, total: 474 }),
    ]);
    expect(await teacherProgressLine(handle, converter)).toBe('teacher: 120/474 prompts answered');
  });

  test('nothing before the first heartbeat, for other details, or when the run cannot be described', async () => {
    expect(await teacherProgressLine(described([{ activityType: { name: 'askTeacher' } }]), converter)).toBe('');
    expect(await teacherProgressLine(described([heartbeat('askTeacher', 'x')]), converter)).toBe('');
    expect(
      await teacherProgressLine(described([heartbeat('materializeDistillPrompts', { done: 1, total: 2 })]), converter),
    ).toBe('');
    const broken = { describe: async () => Promise.reject(new Error('closed')) } as unknown as WorkflowHandle;
    expect(await teacherProgressLine(broken, converter)).toBe('');
  });
});
