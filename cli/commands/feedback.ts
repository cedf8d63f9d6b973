import fs from 'node:fs';
import path from 'node:path';
import { openFeedbackStore } from '../../stores/feedback/feedbackBackend';
import { parseDuration } from '../../core/operations/duration';
import { exportFeedback } from '../../core/feedback/feedbackExport';
import { tempFileSpill } from '../../stores/spill/tempFileSpill';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { storeUsageError } from '../storeFailure';

const help = `Usage: tailor feedback export --format dpo|sft --out FILE [--model M] [--since 7d] [--min-rating N] [--json]

Writes the feedback collected by 'tailor feedback-server' (or recordFeedback()) as a training file, through the
data-prep step (PII and secrets scrubbed, exact and near duplicates dropped):
  dpo  OpenAI's preference format: a corrected answer is preferred_output with the original answer as
       non_preferred_output; an explicit preference between two answers likewise
  sft  chat examples: the corrected answer where there is one, else the answer when rated at least --min-rating

Options:
  --format dpo|sft   the file's format (required)
  --out FILE         where to write it (required)
  --model M          only feedback about this model (default: every model)
  --since D          only feedback from the last D: 30m, 12h, 7d, 2w (default: all)
  --min-rating N     sft: rating an uncorrected answer needs, 1-5, thumbs up = 5, down = 1 (default 4)
  --json             print the counts as JSON

Check the result with: tailor validate FILE --method dpo (or supervised)`;

export const command: CliCommand = {
  name: 'feedback',
  summary: 'export collected feedback as a DPO or supervised dataset',
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'export')
      throw new UsageError(`tailor feedback: expected the sub-command 'export', got '${sub ?? ''}'\n\n${help}`);
    const { values } = parseCommandArgs(
      rest,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        model: { type: 'string' },
        since: { type: 'string' },
        'min-rating': { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const format = values.format;
    if (format !== 'dpo' && format !== 'sft')
      throw new UsageError(`--format must be dpo or sft, got '${format ?? ''}'`);
    if (!values.out) throw new UsageError('feedback export needs --out FILE');
    const sinceMs = values.since === undefined ? undefined : parseDuration(values.since);
    if (values.since !== undefined && sinceMs === undefined)
      throw new UsageError(`--since expects a duration like 12h, 7d or 2w, got '${values.since}'`);
    const minRating = intOption('min-rating', values['min-rating'], 4);
    if (minRating < 1 || minRating > 5) throw new UsageError(`--min-rating must be 1-5, got ${minRating}`);

    const feedback = await openFeedbackStore().catch((err: unknown) => {
      throw storeUsageError(err, 'feedback store');
    });
    const query = {
      ...(values.model ? { model: values.model } : {}),
      ...(sinceMs ? { since: Date.now() - sinceMs } : {}),
    };
    const records = await feedback
      .list(query)
      .catch((err: unknown) => {
        throw storeUsageError(err, 'feedback store');
      })
      .finally(() => feedback.close());
    const out = exportFeedback(records, { format, minRating, spill: tempFileSpill() });
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, out.text);
    const summary = {
      file: values.out,
      format,
      items: records.length,
      examples: out.count,
      skipped: out.skipped,
      removed: out.removed,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const removed = Object.entries(out.removed)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      process.stdout.write(
        `${values.out}: ${out.count} ${format} examples from ${records.length} feedback items (${out.skipped}` +
          ` gave none${removed ? `; removed ${removed}` : ''})\n`,
      );
    }
    return 0;
  },
};
