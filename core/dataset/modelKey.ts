/**
 * Strips `ft:` wrappers (`ft:gpt-4o-mini-2024-07-18:org::id` → `gpt-4o-mini-2024-07-18`): a fine-tune of a fine-tune
 * trains, tokenizes and bills as its base.
 */
export function baseModelName(model: string): string {
  return model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
}

/**
 * The longest key of `table` that the model name starts with at a `-` boundary (`gpt-4o-mini-2024-07-18` →
 * `gpt-4o-mini`, never `gpt-4` for `gpt-4o`); undefined when none matches. Tables keyed by family stay short and still
 * accept dated snapshots and aliases.
 */
export function resolveModelKey(table: Record<string, unknown>, model: string): string | undefined {
  const name = baseModelName(model);
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (name === key || (name.startsWith(key) && name[key.length] === '-')) {
      if (!best || key.length > best.length) best = key;
    }
  }
  return best;
}
