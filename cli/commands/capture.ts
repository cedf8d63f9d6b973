/**
 * `tailor capture export`: the gateway's captured traffic for one alias as a training file (sft or dpo), written to
 * a temporary file and renamed into place, so the file is whole or absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportCaptures } from '../../core/capture/captureExport';
import { parseAliasRef } from '../../core/deploy/aliasRef';
import { parseDuration } from '../../core/operations/duration';
import { openCaptureReader } from '../../stores/capture/captureBackend';
import { capturePath } from '../../stores/capture/captureStore';
import { tempFileSpill } from '../../stores/spill/tempFileSpill';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { storeUsageError } from '../storeFailure';

const help = `Usage: tailor capture export --alias NAME@ALIAS --format sft|dpo --out FILE [--since 7d] [--min-rating N]
                              [--limit N] [--json]

Writes the traffic 'tailor gateway' captured for an alias (aliases.<NAME@ALIAS>.capture in its config) as a
training file, through the data-prep step (PII and secrets scrubbed, exact and near duplicates dropped):
  sft  chat examples: the corrected answer where feedback gave one, else the captured answer
  dpo  OpenAI's preference format: a corrected answer over the captured one; an explicit preference likewise
Ratings come from POST /v1/feedback on the gateway, naming the answer's response ID.

Options:
  --alias NAME@ALIAS  whose traffic (required)
  --format sft|dpo    the file's format (required)
  --out FILE          where to write it (required)
  --since D           only traffic from the last D: 30m, 12h, 7d, 2w (default: all that is kept)
  --min-rating N      only answers rated at least N, 1-5, thumbs up = 5, down = 1 (or corrected); default: all
  --limit N           at most N captured requests, a fixed sample by response ID (default: all)
  --json              print the counts as JSON
The capture store is TAILOR_CAPTURE_DB (a file or a postgres:// URL), else the registry's PostgreSQL database when
TAILOR_REGISTRY names one, else $TAILOR_HOME/capture.db.`;

export const command: CliCommand = {
  name: 'capture',
  summary: "export the gateway's captured traffic as an sft or dpo training file",
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'export') {
      throw new UsageError(`tailor capture: expected the sub-command 'export', got '${sub ?? ''}'\n\n${help}`);
    }
    const { values } = parseCommandArgs(
      rest,
      {
        alias: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        since: { type: 'string' },
        'min-rating': { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const alias = values.alias;
    if (!alias) throw new UsageError('capture export needs --alias NAME@ALIAS');
    try {
      parseAliasRef(alias);
    } catch (err) {
      throw new UsageError(`--alias: ${(err as Error).message}`);
    }
    if (!alias.includes('@')) throw new UsageError(`--alias expects NAME@ALIAS (e.g. tickets@prod), got '${alias}'`);
    const format = values.format;
    if (format !== 'dpo' && format !== 'sft')
      throw new UsageError(`--format must be sft or dpo, got '${format ?? ''}'`);
    if (!values.out) throw new UsageError('capture export needs --out FILE');
    const sinceMs = values.since === undefined ? undefined : parseDuration(values.since);
    if (values.since !== undefined && sinceMs === undefined) {
      throw new UsageError(`--since expects a duration like 12h, 7d or 2w, got '${values.since}'`);
    }
    const minRating = values['min-rating'] === undefined ? undefined : intOption('min-rating', values['min-rating'], 0);
    if (minRating !== undefined && (minRating < 1 || minRating > 5)) {
      throw new UsageError(`--min-rating must be 1-5, got ${minRating}`);
    }
    const limit = values.limit === undefined ? undefined : intOption('limit', values.limit, 0);
    if (limit !== undefined && limit < 1) throw new UsageError(`--limit must be 1 or more, got ${limit}`);
    const store = await openCaptureReader().catch((err: unknown) => {
      throw storeUsageError(err, 'capture store');
    });
    if (!store) throw new UsageError(`no capture store at ${capturePath()}: nothing was captured yet`, 1);
    let out: ReturnType<typeof exportCaptures>;
    try {
      const since = sinceMs ? { since: Date.now() - sinceMs } : {};
      const rows = await store.list({ alias, ...since }).catch((err: unknown) => {
        throw storeUsageError(err, 'capture store');
      });
      out = exportCaptures(rows, {
        format,
        spill: tempFileSpill(),
        ...(minRating !== undefined ? { minRating } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
    } finally {
      await store.close();
    }
    const dest = path.resolve(values.out);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, out.text);
      fs.renameSync(tmp, dest);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    const summary = {
      file: values.out,
      format,
      alias,
      rows: out.rows,
      examples: out.count,
      unusable: out.unusable,
      skipped: out.skipped,
      removed: out.removed,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const removed = Object.entries(out.removed)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      const notes = `${out.unusable} unusable, ${out.skipped} gave none${removed ? `; removed ${removed}` : ''}`;
      process.stdout.write(
        `${values.out}: ${out.count} ${format} examples from ${out.rows} captured requests (${notes})\n`,
      );
    }
    return 0;
  },
};
