/** One move of an alias, as the registry records it and the audit reports it. */
export interface AliasChange {
  pipeline: string;
  alias: string;
  fromModel: string | null;
  toModel: string | null;
  who: string;
  why: string;
  runId: string | null;
  at: number;
}
