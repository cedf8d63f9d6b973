import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { notARegularFile } from '../../activities/dataset/regularFile';
import { artifactStore } from '../../stores/processStores';
import { DatasetFormatSchema, DatasetSpecSchema, type DatasetSpecInput } from '../../core/spec/datasetSpec';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { DATASET_LIMIT_HELP, DATASET_LIMIT_OPTIONS, datasetLimitFlags } from '../sizeOption';
import { DEFAULT_VALIDATE_MODEL } from './validate';

export const command: CliCommand = {
  name: 'prep',
  summary: 'prepare a dataset: normalise, dedupe, scrub PII, split',
  help: `Usage: tailor prep FILE [options]

Normalises text, removes exact and near duplicates, scrubs PII (emails, phones, Luhn-checked cards, IPs, API keys),
applies length filters and splits deterministically into train/validation/test (stratified by label when the
answers are labels). Outputs go to the artifact store (.tailor/artifacts) with a manifest.

Options:
  --format F        chat | prompt_completion | csv | tsv | dpo | reinforcement (default: from the extension, else chat)
  --model M         base model whose tokenizer and limit apply (default ${DEFAULT_VALIDATE_MODEL})
  --validation X    validation share 0..0.5 (default 0.1)
  --test X          test share 0..0.5 (default 0.2)
  --seed S          split seed (default tailor)
  --system T, --user T, --assistant T
                    CSV/TSV column mapping: templates with {{column}} (or a bare column name); default
                    columns user/assistant[/system] or prompt/completion
  --no-near-dedupe  keep near-duplicates (exact duplicates are still removed)
  --no-pii          do not scrub PII
  --out DIR         also copy train.jsonl, validation.jsonl, test.jsonl and manifest.json into DIR
  --json            print the result (artifact refs and counts) as JSON
${DATASET_LIMIT_HELP}

Exit status: 0 prepared, 1 unusable data or over a limit (nothing is stored), 2 usage error.
Example: tailor prep examples/support-tickets/data/tickets.jsonl --out /tmp/tickets`,

  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      model: { type: 'string' },
      validation: { type: 'string' },
      test: { type: 'string' },
      seed: { type: 'string' },
      system: { type: 'string' },
      user: { type: 'string' },
      assistant: { type: 'string' },
      'no-near-dedupe': { type: 'boolean' },
      'no-pii': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      ...DATASET_LIMIT_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE (see tailor prep --help)');
    const file = path.resolve(positionals[0]!);
    const notFile = notARegularFile(positionals[0]!);
    if (notFile) throw new UsageError(notFile);
    // Before anything is stored: a file where the folder should be, or a folder that cannot be made.
    if (values.out !== undefined) checkOutDir(values.out);
    const ext = path.extname(file).toLowerCase();
    const format = values.format ?? (ext === '.csv' ? 'csv' : ext === '.tsv' ? 'tsv' : 'chat');
    if (!DatasetFormatSchema.safeParse(format).success)
      throw new UsageError(`--format must be one of ${DatasetFormatSchema.options.join(', ')}; got '${format}'`);
    const share = (name: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 0.5)
        throw new UsageError(`--${name} expects a number 0..0.5, got '${v}'`);
      return n;
    };
    if ((values.user === undefined) !== (values.assistant === undefined))
      throw new UsageError('--user and --assistant go together');
    if (values.user !== undefined && format !== 'csv' && format !== 'tsv')
      throw new UsageError('--system/--user/--assistant map CSV/TSV columns; use --format csv or tsv');
    const input: DatasetSpecInput = {
      path: file,
      format: format as DatasetSpecInput['format'],
      columns:
        values.user !== undefined
          ? { system: values.system, user: values.user, assistant: values.assistant! }
          : undefined,
      split: {
        validation: share('validation', values.validation),
        test: share('test', values.test),
        seed: values.seed,
      },
      dedupe: { near: !values['no-near-dedupe'] },
      pii: { scrub: !values['no-pii'] },
      limits: datasetLimitFlags(values),
    };
    const spec = DatasetSpecSchema.parse(JSON.parse(JSON.stringify(input))); // drops undefined so defaults apply
    let result;
    try {
      result = await prepareDataset({ dataset: spec, model: values.model ?? DEFAULT_VALIDATE_MODEL });
    } catch (err) {
      if (err instanceof ApplicationFailure) {
        console.error(`tailor prep: ${err.message}`);
        return 1;
      }
      throw err;
    }
    if (values.out) {
      const store = artifactStore();
      fs.mkdirSync(values.out, { recursive: true });
      for (const ref of [result.train, result.validation, result.test, result.manifest]) {
        fs.copyFileSync(await store.localPath(ref), path.join(values.out, ref.name ?? ref.sha256));
      }
    }
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else {
      const c = result.counts;
      const removed =
        Object.entries(c.removed)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none';
      const pii =
        Object.entries(c.piiScrubbed)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none';
      console.log(
        [
          `${positionals[0]}: ${c.input} read, ${c.kept} kept → train ${c.train}, validation ${c.validation}` +
            `, test ${c.test}`,
          `  removed: ${removed}`,
          `  PII scrubbed: ${pii}`,
          `  train      ${result.train.uri}`,
          `  validation ${result.validation.uri}`,
          `  test       ${result.test.uri}`,
          `  manifest   ${result.manifest.uri}`,
          ...(values.out ? [`  copied to ${values.out}`] : []),
        ].join('\n'),
      );
    }
    return 0;
  },
};

/** `--out` must be a folder, or a path whose nearest existing ancestor is a folder we may write in. */
function checkOutDir(out: string): void {
  let p = path.resolve(out);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p);
    } catch {
      st = undefined; // missing, or under a file (ENOTDIR): look at the parent
    }
    if (st) {
      const named = p === path.resolve(out) ? `--out ${out}` : `--out ${out}: ${p}`;
      if (!st.isDirectory()) throw new UsageError(`${named} is not a directory`);
      try {
        fs.accessSync(p, fs.constants.W_OK);
      } catch {
        throw new UsageError(`${named} is not writable`);
      }
      return;
    }
    const parent = path.dirname(p);
    if (parent === p) return;
    p = parent;
  }
}
