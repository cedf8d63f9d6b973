import { SpecError, type LoadedSpec } from './loadSpec';

/**
 * A watcher and a sunset successor fingerprint the spec's dataset file on every tick. A feedback, capture or
 * distill spec has no such file until a run exports one, so they are refused when the command is given (not as a
 * failed workflow later), pointing at the schedule that follows those sources.
 */
export function requireFileDataset(loaded: LoadedSpec, command: 'watcher' | 'successor'): LoadedSpec {
  const { spec } = loaded;
  const source = spec.dataset.source ?? 'file';
  if (source === 'file' && !spec.distill) return loaded;
  const key = spec.distill ? 'distill' : 'dataset.source';
  const what = spec.distill ? 'a distill: run is named by its prompts' : `${source} data is exported by each run`;
  const message =
    command === 'watcher'
      ? `${what}, not a dataset file, and a dataset watcher follows a file; use tailor schedule create NAME ` +
        `--spec ${loaded.file} --every 1h --skip-if-unchanged, which runs only when the data changed`
      : `${what}, not a dataset file, and a sunset successor runs on a file; name a spec whose dataset.path is one ` +
        '(tailor capture export and tailor feedback export write captured traffic and feedback to a file)';
  throw new SpecError(loaded.file, [{ key, message }]);
}
