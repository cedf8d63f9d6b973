import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FineTuneProgress, TrainerProgress } from '../core/pipeline/fineTuneTypes';

// fineTuneWorkflow's messages (selfHostedFineTune runs inside it and receives the trainer's progress).

/** The remote job as last seen: status, trained tokens, losses, events, estimated finish, checkpoints. */
export const fineTuneProgressQuery = defineQuery<FineTuneProgress>('fineTuneProgress');

/** Pause the remote fine-tuning job (where the provider supports it); the workflow keeps watching it. */
export const pauseFineTuneSignal = defineSignal('pauseFineTune');
/** Resume a paused remote fine-tuning job. */
export const resumeFineTuneSignal = defineSignal('resumeFineTune');
/** Sent by the Python trainer's activity (provider self-hosted) with its step, loss and last checkpoint. */
export const trainerProgressSignal = defineSignal<[TrainerProgress]>('trainerProgress');
