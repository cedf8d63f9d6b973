import { servedByLocalBackend } from '../../core/report/localBackendNote';

describe('the stand-in note is said only of runs the local backend served', () => {
  it('names a model the local backend trained', () => {
    expect(
      servedByLocalBackend(['gpt-4o-mini-2024-07-18', 'ft:gpt-4o-mini-2024-07-18:tailor-local:tickets:ab12cd34']),
    ).toBe(true);
  });
  it('is silent for a real model, self-hosted or hosted', () => {
    expect(servedByLocalBackend(['smollm2-135m-instruct', 'self-hosted:smollm2-135m-instruct:0123456789ab'])).toBe(
      false,
    );
    expect(servedByLocalBackend(['gpt-4o-mini-2024-07-18', 'ft:gpt-4o-mini-2024-07-18:acme::AbC123', undefined])).toBe(
      false,
    );
  });
});
