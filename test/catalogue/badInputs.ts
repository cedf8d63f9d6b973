/**
 * The bad-input catalogue: every malformed input a user might give Tailor, with the clear error it must get.
 * badInputs.test.ts runs each entry for real (the CLI in process and, for marked entries, through the `tailor`
 * binary; HTTP bodies against a running local backend). See README.md in this folder for the categories.
 */
import type { CatalogueEntry, CliEntry, HttpEntry } from './catalogueTypes';
import { CLI_ENTRIES } from './entries/cliArgs';
import { DATASET_ENTRIES } from './entries/datasets';
import { HTTP_ENTRIES } from './entries/http';
import { SPEC_ENTRIES } from './entries/specs';
import { PROMPT_ENTRIES, SUITE_ENTRIES } from './entries/suites';

export const CLI_CATALOGUE: CliEntry[] = [
  ...DATASET_ENTRIES,
  ...SPEC_ENTRIES,
  ...SUITE_ENTRIES,
  ...PROMPT_ENTRIES,
  ...CLI_ENTRIES,
];
export const HTTP_CATALOGUE: HttpEntry[] = HTTP_ENTRIES;
export const CATALOGUE: CatalogueEntry[] = [...CLI_CATALOGUE, ...HTTP_CATALOGUE];
