/**
 * Which learner answers a model id. Base chat models share the prompt-only learner (few-shot, which
 * falls back to zero-shot and extractive answers); fine-tuned models and their checkpoints load their
 * saved weights from the data dir once and stay cached, so the chat hot path never touches the disk.
 */
import type { LearnerMessage, LearnerReply } from '../learners/chatTypes';
import { fewShotReply } from '../learners/fewShot';
import { FineTunedModel, type FineTunedModelData } from '../learners/fineTunedModel';
import { PreferenceModel, type PreferenceModelData } from '../learners/preferenceModel';
import { BASE_MODELS, baseModel } from '../catalog/baseModels';
import type { StateStore } from '../store/stateStore';

export type LocalModelData = FineTunedModelData | PreferenceModelData;
export type Responder = (messages: readonly LearnerMessage[]) => LearnerReply;

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  shutdown_date?: string | null;
}

export class ModelRegistry {
  private readonly cache = new Map<string, Responder>();

  constructor(private readonly store: StateStore) {}

  list(): ModelObject[] {
    const base = BASE_MODELS.map((m) => ({
      id: m.id,
      object: 'model' as const,
      created: m.created,
      owned_by: m.owned_by,
      shutdown_date: m.shutdown_date,
    }));
    return [...base, ...this.store.list<ModelObject>('model', { order: 'asc' })];
  }

  get(id: string): ModelObject | undefined {
    const b = baseModel(id);
    if (b)
      return { id: b.id, object: 'model', created: b.created, owned_by: b.owned_by, shutdown_date: b.shutdown_date };
    return this.store.get<ModelObject>('model', id);
  }

  /** Saves weights under a model name; `listed` models also appear in /v1/models (checkpoints do not). */
  save(id: string, data: LocalModelData, listed: ModelObject | null): void {
    this.store.transaction(() => {
      this.store.putWeights(id, data);
      if (listed) this.store.put('model', id, listed);
    });
    this.cache.delete(id);
  }

  weights(id: string): LocalModelData | undefined {
    return this.store.getWeights<LocalModelData>(id);
  }

  delete(id: string): boolean {
    const existed = this.store.delete('model', id);
    this.store.deleteWeights(id);
    this.cache.delete(id);
    return existed;
  }

  /** The learner behind a chat model id, or undefined when no such chat model exists. */
  responder(id: string): Responder | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    // Misses are not cached: an unknown id may name a model a job is about to create.
    const r = this.load(id, 0);
    if (r) this.cache.set(id, r);
    return r;
  }

  private load(id: string, depth: number): Responder | undefined {
    const b = baseModel(id);
    if (b) return b.kind === 'chat' ? fewShotReply : undefined;
    if (depth > 8) return undefined;
    const data = this.store.getWeights<LocalModelData>(id);
    if (!data) return undefined;
    if (data.kind === 'preference') {
      const model = PreferenceModel.fromData(data);
      const reference = this.load(data.reference, depth + 1) ?? fewShotReply;
      return (messages) => model.reply(messages, reference(messages));
    }
    const model = FineTunedModel.fromData(data);
    return (messages) => model.reply(messages);
  }
}
