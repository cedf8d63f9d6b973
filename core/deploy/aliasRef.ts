/** Parses `name@alias` (an alias of a pipeline in the registry); the alias defaults to `prod`. */
export function parseAliasRef(ref: string): { pipeline: string; alias: string } {
  const m = /^([a-z0-9][a-z0-9-]*)(?:@([a-z0-9][a-z0-9_-]*))?$/.exec(ref.trim());
  if (!m) throw new Error(`'${ref}' is not NAME@ALIAS (e.g. support-tickets@prod)`);
  return { pipeline: m[1]!, alias: m[2] ?? 'prod' };
}
