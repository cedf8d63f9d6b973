import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

export const EXAMPLE_SPEC = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'pipeline.yaml');

/** Writes a variant of the example spec (dataset path made absolute) with `patch` merged over its top-level keys. */
export function exampleSpecWith(patch: Record<string, unknown>): string {
  const spec = parse(fs.readFileSync(EXAMPLE_SPEC, 'utf8')) as Record<string, unknown> & { dataset: { path: string } };
  spec.dataset.path = path.resolve(path.dirname(EXAMPLE_SPEC), spec.dataset.path);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-spec-'));
  const file = path.join(dir, 'pipeline.yaml');
  fs.writeFileSync(file, stringify({ ...spec, ...patch }));
  return file;
}
