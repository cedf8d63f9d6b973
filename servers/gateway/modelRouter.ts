/**
 * Turns a request's `model` into where it goes: a plain model name passes through to the default provider;
 * `NAME@ALIAS` is resolved through the registry (a short-TTL cache, so an alias move is followed within `ttlMs`
 * without a restart) to a model and its provider, then the alias's traffic policy picks primary or canary and
 * whether a shadow copy is sent. The canary comes from the registry (a pipeline's `deploy.canary`, read through the
 * same cache, so a canary started, promoted or aborted is followed within `ttlMs`) unless the config file sets one
 * for the alias: the file's canary wins; its shadow and capture settings apply either way.
 */
import { parseAliasRef } from '../../core/deploy/aliasRef';
import { ProviderSpecSchema, type ProviderSpec } from '../../core/spec/providerSpec';
import type { RegistryBackend } from '../../stores/registry/registryBackend';
import { requestError, LoopbackHttpError } from '../loopback/httpError';
import type { GatewayConfig } from './gatewayConfig';
import { inShare } from './trafficSplit';

export interface Target {
  model: string;
  provider: ProviderSpec;
}

export interface Route extends Target {
  /** `NAME@ALIAS` when the request named an alias. */
  alias?: string;
  /** primary: the alias's model (or a plain model); canary: the policy's candidate. */
  variant: 'primary' | 'canary';
  shadow?: Target;
}

interface Cached<T> {
  value: T;
  until: number;
}

/** Provider types that need no URL: usable with their schema defaults when the config names none. */
const SELF_CONFIGURED = new Set(['default', 'openai', 'azure']);

export class ModelRouter {
  private readonly aliases = new Map<string, Cached<string | undefined>>();
  private readonly providers = new Map<string, Cached<string | undefined>>();
  private readonly canaries = new Map<string, Cached<{ model: string; percent: number } | undefined>>();

  constructor(
    private readonly registry: RegistryBackend,
    private readonly config: GatewayConfig,
    private readonly ttlMs = 1000,
    private readonly random: () => number = Math.random,
  ) {}

  async route(requested: unknown, userKey: string | undefined): Promise<Route> {
    if (typeof requested !== 'string' || !requested.trim()) {
      throw requestError(400, 'invalid_model', 'you must provide a model parameter (a model ID or NAME@ALIAS)', {
        param: 'model',
      });
    }
    if (!requested.includes('@')) return { ...this.defaultTarget(requested), variant: 'primary' };
    let ref: { pipeline: string; alias: string };
    try {
      ref = parseAliasRef(requested);
    } catch (err) {
      throw requestError(400, 'invalid_model', (err as Error).message, { param: 'model' });
    }
    const alias = `${ref.pipeline}@${ref.alias}`;
    const model = await this.cached(this.aliases, alias, () => this.registry.resolveAlias(ref.pipeline, ref.alias));
    if (!model) {
      throw requestError(
        404,
        'model_not_found',
        `${alias} names no model in the registry (${this.registry.location})`,
        {
          param: 'model',
        },
      );
    }
    const policy = this.config.aliases[alias];
    const split = policy?.canary ?? (await this.registryCanary(ref.pipeline, ref.alias, alias));
    const canary = split !== undefined && inShare(split.percent, alias, userKey, this.random);
    const served = canary ? split.model : model;
    const shadowed = policy?.shadow && inShare(policy.shadow.percent, `${alias}#shadow`, userKey, this.random);
    return {
      alias,
      variant: canary ? 'canary' : 'primary',
      ...(await this.target(served)),
      ...(shadowed ? { shadow: await this.target(policy.shadow!.model) } : {}),
    };
  }

  /** The registry's canary for the alias, if any (cached like the alias). */
  private registryCanary(pipeline: string, aliasName: string, key: string) {
    return this.cached(this.canaries, key, async () => {
      const row = await this.registry.getCanary(pipeline, aliasName);
      return row && { model: row.model, percent: row.percent };
    });
  }

  /** A model's provider: the one the registry recorded for it, else the default. */
  async target(model: string): Promise<Target> {
    const type = await this.cached(this.providers, model, async () => (await this.registry.getModel(model))?.provider);
    return { model, provider: this.providerOf(type ?? 'default') };
  }

  /** A plain model name on the default provider. */
  defaultTarget(model: string): Target {
    return { model, provider: this.providerOf('default') };
  }

  private providerOf(type: string): ProviderSpec {
    const configured = this.config.providers[type];
    if (configured) return configured;
    if (SELF_CONFIGURED.has(type)) return ProviderSpecSchema.parse({ type });
    throw new LoopbackHttpError(
      502,
      `the model's provider type '${type}' needs connection settings: add providers.${type} to the gateway config`,
      'server_error',
      'model',
      'provider_not_configured',
    );
  }

  private async cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    map.set(key, { value, until: now + this.ttlMs });
    return value;
  }
}
