import { isCancellation } from '@temporalio/workflow';
import { failureCause } from '../core/failures/failureCause';
import type { StepName, StepState } from '../core/pipeline/pipelineTypes';
import { STEP_NAMES } from '../core/pipeline/pipelineTypes';

/** Records each step's status and timing (workflow time, so replay-safe) for the progress query and the report. */
export class StepTracker {
  readonly steps: StepState[] = STEP_NAMES.map((name) => ({ name, status: 'pending' }));
  current: StepName | 'done' = 'prepare';

  get(name: StepName): StepState {
    const s = this.steps.find((x) => x.name === name);
    if (!s) throw new Error(`unknown step ${name}`);
    return s;
  }

  has(name: StepName): boolean {
    return this.steps.some((x) => x.name === name);
  }

  /** Adds a step only some runs have (e.g. a `distill:` run's teacher phase), pending, just before `before`. */
  add(name: StepName, before: StepName): void {
    if (this.has(name)) return;
    this.steps.splice(this.steps.indexOf(this.get(before)), 0, { name, status: 'pending' });
  }

  /** A step the run decided not to take (e.g. fine-tuning when a cheaper variant already passed the gate). */
  skip(name: StepName, detail: string): void {
    const step = this.get(name);
    step.status = 'skipped';
    step.detail = detail;
  }

  async run<T>(name: StepName, fn: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
    const step = this.get(name);
    this.current = name;
    step.status = 'running';
    step.startedAt = Date.now();
    try {
      const result = await fn();
      step.status = 'completed';
      step.detail = describe?.(result);
      return result;
    } catch (err) {
      step.status = isCancellation(err) ? 'cancelled' : 'failed';
      // The innermost message: an activity or child failure wraps the cause a user needs to read.
      step.error = failureCause(err).message;
      for (const later of this.steps) if (later.status === 'pending') later.status = 'skipped';
      throw err;
    } finally {
      step.endedAt = Date.now();
    }
  }
}
