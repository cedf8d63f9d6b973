/**
 * The checks a run makes before its first paid step (the upload): what the provider was asked and what it said.
 * Pure: the activity (activities/fineTune/preflight.ts) gathers the findings; this decides what they mean.
 */
export interface PreflightFindings {
  pipeline: string;
  /** The base model the spec fine-tunes, and whether the provider has it (null: not checked for this provider). */
  baseModel: { id: string; present: boolean | null };
  /** The alias the gate compares against, the model it names (null: not set yet), and whether the provider has it. */
  alias: { name: string; model: string | null; present: boolean | null };
}

/** Why the run cannot succeed, one sentence per problem; empty when every check passed. */
export function preflightProblems(f: PreflightFindings): string[] {
  const out: string[] = [];
  if (f.baseModel.present === false) {
    out.push(`the base model ${f.baseModel.id} (spec baseModel) is not known to the provider`);
  }
  if (f.alias.model !== null && f.alias.present === false) {
    out.push(
      `the '${f.alias.name}' alias of pipeline ${f.pipeline} names ${f.alias.model}, which the provider no ` +
        `longer has ` +
        `(the gate compares against it; move the alias with \`tailor rollback\` or \`tailor promote\` first)`,
    );
  }
  return out;
}
