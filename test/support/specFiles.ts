import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

export const EXAMPLE_SPEC = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'pipeline.yaml');

/** Writes a variant of the example spec (its paths made absolute) with `patch` merged over its top-level keys. */
export function exampleSpecWith(patch: Record<string, unknown>): string {
  const spec = parse(fs.readFileSync(EXAMPLE_SPEC, 'utf8')) as Record<string, unknown> & {
    dataset: { path: string };
    baselines?: { prompts?: string[] };
  };
  const here = (p: string) => path.resolve(path.dirname(EXAMPLE_SPEC), p);
  spec.dataset.path = here(spec.dataset.path);
  // The copy lives elsewhere: every path the example names is made absolute.
  if (spec.baselines?.prompts) spec.baselines.prompts = spec.baselines.prompts.map(here);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-spec-'));
  const file = path.join(dir, 'pipeline.yaml');
  fs.writeFileSync(file, stringify({ ...spec, ...patch }));
  return file;
}
