import fs from 'node:fs';
import YAML from 'yaml';
import { notARegularFile } from '../../activities/dataset/regularFile';
import { validateFileWithPricing } from '../../activities/dataset/validateDataset';
import { PricingTableSchema, type PricingTable } from '../../config/pricing';
import { DatasetLimitError } from '../../core/dataset/datasetLimits';
import { renderReport } from '../../core/dataset/renderReport';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { DATASET_LIMIT_HELP, DATASET_LIMIT_OPTIONS, datasetLimitFlags } from '../sizeOption';

export const DEFAULT_VALIDATE_MODEL = 'gpt-4o-mini-2024-07-18';
const METHODS = ['supervised', 'dpo', 'reinforcement'] as const;

export const command: CliCommand = {
  name: 'validate',
  summary: 'validate a fine-tuning dataset and estimate its cost',
  help: `Usage: tailor validate FILE [options]

Checks a JSONL training file the way the provider will (every data-prep-guide category plus tool calls, weights,
DPO/reinforcement schemas, token limits), prints statistics and a cost estimate. Never uploads anything.

Options:
  --model M        target base model; picks the tokenizer, example limit and price (default ${DEFAULT_VALIDATE_MODEL})
  --method M       supervised | dpo | reinforcement (default supervised)
  --epochs N       epochs to price (default: OpenAI's rule from the example count)
  --pricing FILE   JSON or YAML {model: {perMillionTokens}} laid over the built-in price table
  --json           print the full report as JSON
${DATASET_LIMIT_HELP}

Exit status: 0 valid, 1 invalid (or over a limit), 2 usage error.
Example: tailor validate examples/support-tickets/data/tickets.jsonl --model gpt-4.1-mini-2025-04-14`,

  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      method: { type: 'string' },
      epochs: { type: 'string' },
      pricing: { type: 'string' },
      json: { type: 'boolean' },
      ...DATASET_LIMIT_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE (see tailor validate --help)');
    const file = positionals[0]!;
    const notFile = notARegularFile(file);
    if (notFile) throw new UsageError(notFile);
    const method = values.method ?? 'supervised';
    if (!(METHODS as readonly string[]).includes(method))
      throw new UsageError(`--method must be one of ${METHODS.join(', ')}; got '${method}'`);
    let epochs: number | undefined;
    if (values.epochs !== undefined) {
      epochs = Number(values.epochs);
      if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50)
        throw new UsageError(`--epochs expects an integer 1..50, got '${values.epochs}'`);
    }
    const pricing = values.pricing !== undefined ? readPricing(values.pricing) : undefined;
    const limits = datasetLimitFlags(values);
    let report;
    try {
      report = await validateFileWithPricing(file, {
        model: values.model ?? DEFAULT_VALIDATE_MODEL,
        method: method as (typeof METHODS)[number],
        epochs,
        pricing,
        ...limits,
      });
    } catch (err) {
      // Over a limit: the file is refused as a whole, like invalid data (exit 1), with the place and the key to raise.
      if (err instanceof DatasetLimitError) throw new UsageError(err.message, 1);
      throw err;
    }
    console.log(values.json ? JSON.stringify(report, null, 2) : renderReport(report, file));
    return report.valid ? 0 : 1;
  },
};

function readPricing(file: string): PricingTable {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--pricing ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = PricingTableSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      `--pricing ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
