/**
 * Drives fine-tuning jobs through OpenAI's lifecycle in-process:
 *   validating_files → queued → running → succeeded | failed | cancelled   (running ⇄ paused)
 * Each phase and each training step takes `stepDelayMs` of wall time on a timer, so jobs take
 * seconds, can be polled, paused, cancelled, and fail on cue under fault injection.
 *
 * Every step's progress is committed to the state store with its event. Training is a pure
 * function of (files, hyperparameters, seed), so after a pause or a backend restart the trainer is
 * rebuilt by replaying the completed steps without delay, reaching exactly the same weights; the job
 * then carries on from where it stopped, with no duplicate events.
 */
import { resolveHyperparameters } from '../learners/autoHyperparameters';
import { SupervisedTrainer, type StepReport } from '../learners/supervisedTrainer';
import { PreferenceTrainer } from '../learners/preferenceTrainer';
import type { FineTunedModelData } from '../learners/fineTunedModel';
import { invalidRequest, jobNotFound } from '../http/apiError';
import { LOCAL_ORG, LOCAL_ORG_ID, baseModel } from '../catalog/baseModels';
import type { FaultInjector } from '../faults/faultInjector';
import type { FileService } from '../files/fileService';
import type { LocalModelData, ModelRegistry } from '../inference/modelRegistry';
import { degradedModelData } from '../faults/degradedModel';
import type { CreateJobRequest } from '../schemas/fineTuningJobRequest';
import { newCheckpointId, newModelSuffixId, nowSeconds } from '../store/ids';
import type { StateStore } from '../store/stateStore';
import { messageEvent, metricsData, metricsEvent, type EventObject } from './jobEvents';
import { TERMINAL, type JobObject, type JobRecord } from './jobRecord';
import { resultCsv } from './resultCsv';
import type { JobFailure } from './trainingData';
import { loadJobData } from './jobData';
import { newJobRecord } from './newJobRecord';

type Trainer = SupervisedTrainer | PreferenceTrainer;

interface ActiveJob {
  timer: NodeJS.Timeout | null;
  trainer: Trainer | null;
  reports: StepReport[];
}

export interface CheckpointObject {
  object: 'fine_tuning.job.checkpoint';
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  fine_tuning_job_id: string;
  step_number: number;
  metrics: Record<string, number>;
}

/** OpenAI keeps checkpoints of the last three epochs only. */
const KEPT_CHECKPOINTS = 3;

export interface JobRunnerOptions {
  stepDelayMs: number;
  faults: FaultInjector;
}

export class JobRunner {
  private readonly active = new Map<string, ActiveJob>();
  private closed = false;

  constructor(
    private readonly store: StateStore,
    private readonly files: FileService,
    private readonly models: ModelRegistry,
    private readonly opts: JobRunnerOptions,
  ) {}

  private get stepMs(): number {
    return this.opts.faults.trainStepMs ?? this.opts.stepDelayMs;
  }

  // ---- API operations ------------------------------------------------------------------------

  create(req: CreateJobRequest): JobObject {
    const method = req.method ?? { type: 'supervised' as const };
    const snapshot = this.snapshotFor(req.model);
    const training = this.files.get(req.training_file);
    if (!training)
      throw invalidRequest(`invalid training_file: ${req.training_file}`, 'training_file', 'file_not_found');
    if (training.purpose !== 'fine-tune') {
      throw invalidRequest(
        `File ${training.id} has purpose '${training.purpose}'; training files must have purpose 'fine-tune'.`,
        'training_file',
        'invalid_file_purpose',
      );
    }
    if (req.validation_file) {
      const v = this.files.get(req.validation_file);
      if (!v)
        throw invalidRequest(`invalid validation_file: ${req.validation_file}`, 'validation_file', 'file_not_found');
      if (v.purpose !== 'fine-tune') {
        throw invalidRequest(
          `File ${v.id} has purpose '${v.purpose}'; validation files must have purpose 'fine-tune'.`,
          'validation_file',
          'invalid_file_purpose',
        );
      }
    }
    if (method.type === 'reinforcement' && !method.reinforcement?.grader) {
      throw invalidRequest(
        "Missing required parameter: 'method.reinforcement.grader'.",
        'method.reinforcement.grader',
        'missing_required_parameter',
      );
    }
    const record = newJobRecord(req, snapshot);
    const job = record.job;
    this.store.transaction(() => {
      this.save(record);
      this.event(job.id, messageEvent(`Created fine-tuning job: ${job.id}`));
      this.event(
        job.id,
        messageEvent(
          `Validating training file: ${job.training_file}` +
            `${job.validation_file ? ` and validation file: ${job.validation_file}` : ''}`,
        ),
      );
    });
    this.schedule(job.id, this.stepMs);
    return job;
  }

  retrieve(id: string): JobObject {
    return this.require(id).job;
  }

  list(): JobObject[] {
    return this.store.list<JobRecord>('job').map((r) => r.job);
  }

  cancel(id: string): JobObject {
    const rec = this.require(id);
    if (TERMINAL.has(rec.job.status))
      throw invalidRequest(
        `Job ${id} has already ${rec.job.status}; only jobs that are not finished can be cancelled.`,
        null,
        'invalid_job_state',
      );
    this.stop(id);
    rec.job.status = 'cancelled';
    rec.job.finished_at = nowSeconds();
    rec.job.estimated_finish = null;
    this.store.transaction(() => {
      this.save(rec);
      this.event(id, messageEvent('Fine-tuning job cancelled'));
    });
    this.active.delete(id);
    return rec.job;
  }

  pause(id: string): JobObject {
    const rec = this.require(id);
    if (rec.job.status !== 'running' && rec.job.status !== 'queued') {
      throw invalidRequest(
        `Job ${id} is ${rec.job.status}; only running or queued jobs can be paused.`,
        null,
        'invalid_job_state',
      );
    }
    this.stop(id);
    rec.job.status = 'paused';
    rec.job.estimated_finish = null;
    this.store.transaction(() => {
      this.save(rec);
      this.event(id, messageEvent(`Fine-tuning job paused at step ${rec.progress.completedSteps}`));
    });
    return rec.job;
  }

  resume(id: string): JobObject {
    const rec = this.require(id);
    if (rec.job.status !== 'paused')
      throw invalidRequest(
        `Job ${id} is ${rec.job.status}; only paused jobs can be resumed.`,
        null,
        'invalid_job_state',
      );
    rec.job.status = 'queued';
    this.store.transaction(() => {
      this.save(rec);
      this.event(id, messageEvent('Fine-tuning job resumed, moving job to queued state'));
    });
    this.schedule(id, this.stepMs);
    return rec.job;
  }

  events(id: string): EventObject[] {
    this.require(id);
    return this.store.list<EventObject>('event', { parent: id });
  }

  checkpoints(id: string): CheckpointObject[] {
    this.require(id);
    return this.store.list<CheckpointObject>('checkpoint', { parent: id });
  }

  /** Picks up jobs that were in flight when the backend last stopped. */
  recover(): void {
    for (const rec of this.store.list<JobRecord>('job', { order: 'asc' })) {
      const s = rec.job.status;
      if (s === 'validating_files' || s === 'queued' || s === 'running') {
        this.event(
          rec.job.id,
          messageEvent(`Backend restarted; resuming job from step ${rec.progress.completedSteps}`, 'warn'),
        );
        this.schedule(rec.job.id, this.stepMs);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const id of this.active.keys()) this.stop(id);
    this.active.clear();
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private schedule(id: string, delay: number): void {
    if (this.closed) return;
    const a = this.activeFor(id);
    if (a.timer) clearTimeout(a.timer);
    a.timer = setTimeout(() => {
      a.timer = null;
      try {
        this.advance(id);
      } catch (err) {
        // A bug in a learner must fail the job visibly, not crash the server or leave it running.
        const rec = this.store.get<JobRecord>('job', id);
        if (rec && !TERMINAL.has(rec.job.status))
          this.fail(
            rec,
            {
              code: 'internal_error',
              message: `Internal error during training: ${(err as Error).message}`,
              param: null,
            },
            true,
          );
      }
    }, delay);
    a.timer.unref?.();
  }

  private advance(id: string): void {
    const rec = this.store.get<JobRecord>('job', id);
    if (!rec) return;
    switch (rec.job.status) {
      case 'validating_files':
        return this.validate(rec);
      case 'queued':
        return this.start(rec);
      case 'running':
        return this.step(rec);
      default:
        return;
    }
  }

  private validate(rec: JobRecord): void {
    const data = this.loadData(rec);
    if ('code' in data) return this.fail(rec, data, false);
    const n = rec.job.method.type === 'dpo' ? data.train.preferences.length : data.train.pairs.length;
    if (n === 0) {
      return this.fail(
        rec,
        {
          code: 'invalid_training_file',
          message: `Invalid file format. No trainable examples found in ${rec.job.training_file}.`,
          param: 'training_file',
        },
        false,
      );
    }
    const section = rec.job.method[rec.job.method.type] as { hyperparameters?: Record<string, unknown> } | undefined;
    const hp = resolveHyperparameters(n, (section?.hyperparameters ?? {}) as never, rec.job.method.type === 'dpo');
    rec.progress.hyperparameters = hp;
    rec.progress.fileTokens = data.train.tokens;
    rec.progress.totalSteps = Math.max(1, Math.ceil(n / hp.batch_size)) * hp.n_epochs;
    // "auto" values are resolved to numbers once the job runs, as OpenAI reports them.
    rec.job.hyperparameters = {
      batch_size: hp.batch_size,
      learning_rate_multiplier: hp.learning_rate_multiplier,
      n_epochs: hp.n_epochs,
    };
    if (section)
      section.hyperparameters = {
        ...section.hyperparameters,
        ...rec.job.hyperparameters,
        ...(hp.beta !== undefined ? { beta: hp.beta } : {}),
      };
    rec.job.status = 'queued';
    this.store.transaction(() => {
      this.save(rec);
      this.event(rec.job.id, messageEvent('Files validated, moving job to queued state'));
    });
    this.schedule(rec.job.id, this.stepMs);
  }

  private start(rec: JobRecord): void {
    rec.job.status = 'running';
    rec.job.estimated_finish = this.estimate(rec);
    this.store.transaction(() => {
      this.save(rec);
      if (rec.progress.completedSteps === 0) this.event(rec.job.id, messageEvent('Fine-tuning job started'));
    });
    this.schedule(rec.job.id, this.stepMs);
  }

  private step(rec: JobRecord): void {
    const id = rec.job.id;
    const trainer = this.trainerFor(rec);
    if (!trainer) return;
    const a = this.activeFor(id);
    const report = trainer.next();
    a.reports.push(report);
    rec.progress.completedSteps = report.step;
    rec.job.estimated_finish = this.estimate(rec);
    this.store.transaction(() => {
      this.save(rec);
      this.event(id, metricsEvent(report));
      if (report.epochEnd) this.checkpoint(rec, trainer, report);
    });
    const failAfter = this.opts.faults.trainFailAfter;
    if (failAfter !== null && report.step >= failAfter && !trainer.done) {
      return this.fail(
        rec,
        {
          code: 'internal_error',
          message:
            `Fine-tuning job failed at step ${report.step} due to an internal error (injected fault ` +
            `train.fail_after=${failAfter}).`,
          param: null,
        },
        true,
      );
    }
    if (trainer.done) return this.succeed(rec, trainer);
    this.schedule(id, this.stepMs);
  }

  private checkpoint(rec: JobRecord, trainer: Trainer, report: StepReport): void {
    const name = `${this.modelName(rec)}:ckpt-step-${report.step}`;
    this.models.save(name, this.weightsOf(trainer), null);
    const ckpt: CheckpointObject = {
      object: 'fine_tuning.job.checkpoint',
      id: newCheckpointId(),
      created_at: nowSeconds(),
      fine_tuned_model_checkpoint: name,
      fine_tuning_job_id: rec.job.id,
      step_number: report.step,
      metrics: metricsData(report),
    };
    this.store.put('checkpoint', ckpt.id, ckpt, rec.job.id);
    this.event(rec.job.id, messageEvent(`Checkpoint created at step ${report.step} with Snapshot ID: ${name}`));
    const all = this.store.list<CheckpointObject>('checkpoint', { parent: rec.job.id });
    for (const old of all.slice(KEPT_CHECKPOINTS)) {
      this.store.delete('checkpoint', old.id);
      this.models.delete(old.fine_tuned_model_checkpoint);
    }
  }

  private succeed(rec: JobRecord, trainer: Trainer): void {
    const id = rec.job.id;
    const a = this.activeFor(id);
    const name = this.modelName(rec, true);
    const csv = this.files.create('step_metrics.csv', 'fine-tune-results', Buffer.from(resultCsv(a.reports)), null);
    this.models.save(name, this.weightsOf(trainer), {
      id: name,
      object: 'model',
      created: nowSeconds(),
      owned_by: LOCAL_ORG_ID,
    });
    rec.job.status = 'succeeded';
    rec.job.fine_tuned_model = name;
    rec.job.finished_at = nowSeconds();
    rec.job.estimated_finish = null;
    rec.job.result_files = [csv.id];
    rec.job.trained_tokens = (rec.progress.fileTokens ?? 0) * (rec.progress.hyperparameters?.n_epochs ?? 1);
    this.store.transaction(() => {
      this.save(rec);
      this.event(id, messageEvent(`New fine-tuned model created: ${name}`));
      this.event(id, messageEvent('The job has successfully completed'));
    });
    this.active.delete(id);
  }

  private fail(rec: JobRecord, failure: JobFailure, finished: boolean): void {
    this.stop(rec.job.id);
    rec.job.status = 'failed';
    rec.job.error = failure;
    rec.job.estimated_finish = null;
    // OpenAI leaves finished_at null for jobs that failed during file validation.
    rec.job.finished_at = finished ? nowSeconds() : null;
    this.store.transaction(() => {
      this.save(rec);
      this.event(rec.job.id, messageEvent(failure.message, 'error'));
    });
    this.active.delete(rec.job.id);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The weights to save; under the `train.degrade_final` fault the final epoch's are degraded. */
  private weightsOf(trainer: Trainer): LocalModelData {
    const data = trainer.model().toData();
    return this.opts.faults.trainDegradeFinal && trainer.done ? degradedModelData(data) : data;
  }

  private trainerFor(rec: JobRecord): Trainer | null {
    const a = this.activeFor(rec.job.id);
    if (a.trainer) return a.trainer;
    const data = this.loadData(rec);
    if ('code' in data) {
      this.fail(rec, data, true);
      return null;
    }
    const hp = rec.progress.hyperparameters!;
    const trainer: Trainer =
      rec.job.method.type === 'dpo'
        ? new PreferenceTrainer(data.train.preferences, data.valid?.preferences ?? [], hp, rec.job.seed, rec.job.model)
        : new SupervisedTrainer(
            data.train.pairs,
            data.valid?.pairs ?? [],
            hp,
            rec.job.seed,
            this.warmStartFor(rec.job.model),
          );
    // Replay steps done before a pause or restart: deterministic, so the weights match exactly.
    a.reports = [];
    while (trainer.completedSteps < rec.progress.completedSteps && !trainer.done) a.reports.push(trainer.next());
    a.trainer = trainer;
    return trainer;
  }

  private loadData(rec: JobRecord) {
    return loadJobData(this.files, rec);
  }

  /** Weights of an `ft:` base model, so a job on it continues training (supervised models only). */
  private warmStartFor(model: string): FineTunedModelData | undefined {
    if (!model.startsWith('ft:')) return undefined;
    const data = this.models.weights(model);
    return data && data.kind !== 'preference' ? data : undefined;
  }

  private snapshotFor(model: string): string {
    const base = baseModel(model);
    if (base) {
      if (base.kind !== 'chat')
        throw invalidRequest(
          `Model ${model} is not available for fine-tuning or does not exist.`,
          'model',
          'model_not_available',
        );
      return base.snapshot;
    }
    if (model.startsWith('ft:') && this.models.get(model)) return model.split(':')[1]!;
    throw invalidRequest(
      `Model ${model} is not available for fine-tuning or does not exist.`,
      'model',
      'model_not_available',
    );
  }

  /** `ft:<snapshot>:<org>:<suffix>:<id8>`; the id8 is fixed per job so checkpoints share the stem. */
  private modelName(rec: JobRecord, final = false): string {
    const stem = `ft:${rec.progress.snapshot}:${LOCAL_ORG}:${rec.job.user_provided_suffix ?? ''}`;
    return final ? `${stem}:${rec.job.id.slice(-8)}` : `${stem}:${newModelSuffixId()}`;
  }

  private estimate(rec: JobRecord): number | null {
    if (rec.progress.totalSteps === null) return null;
    const remaining = rec.progress.totalSteps - rec.progress.completedSteps;
    return nowSeconds() + Math.ceil((remaining * this.stepMs) / 1000);
  }

  private require(id: string): JobRecord {
    const rec = this.store.get<JobRecord>('job', id);
    if (!rec) throw jobNotFound(id);
    return rec;
  }

  private save(rec: JobRecord): void {
    this.store.put('job', rec.job.id, rec);
  }

  private event(jobId: string, e: EventObject): void {
    this.store.put('event', e.id, e, jobId);
  }

  private activeFor(id: string): ActiveJob {
    let a = this.active.get(id);
    if (!a) this.active.set(id, (a = { timer: null, trainer: null, reports: [] }));
    return a;
  }

  private stop(id: string): void {
    const a = this.active.get(id);
    if (a?.timer) clearTimeout(a.timer);
    if (a) a.timer = null;
  }
}
