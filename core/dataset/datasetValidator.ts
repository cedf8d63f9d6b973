import { answerLabel, LabelTally } from './answerLabel';
import { estimateCost, type TrainingPriceInput } from './costEstimate';
import { lineTooLongMessage } from './datasetLimits';
import { Distribution } from './distribution';
import type { ErrorCategory, Issue } from './errorCategories';
import { checkExample } from './exampleChecks';
import { countExampleTokens } from './exampleTokens';
import { isJsonObject } from './jsonValue';
import { LineHashSet } from './lineHashSet';
import type { LineStats, RawLine } from './lineSplitter';
import type { TrainingMethod } from './messageChecks';
import { daysUntilShutdown, modelProfile, type ModelProfile } from './modelProfile';
import { tokenCounter, type TokenCounter } from './tokenCounter';
import type { ErrorSample, ValidationReport } from './validationReport';

export const MIN_EXAMPLES = 10;
export const RECOMMENDED_MIN_EXAMPLES = 50;
const SAMPLES_PER_CATEGORY = 20;
/** OpenAI's cap on image-bearing examples in one vision training file. */
export const MAX_IMAGE_EXAMPLES = 50_000;
/** Warn about a base model this many days before its shutdown. */
const SHUTDOWN_WARNING_DAYS = 90;

export interface ValidatorOptions {
  method: TrainingMethod;
  model: string;
  /** Epochs the spec sets; OpenAI's default rule otherwise. */
  epochs?: number;
  price?: TrainingPriceInput;
  /** `YYYY-MM-DD`, for shutdown warnings; passed in so the core stays deterministic. */
  today?: string;
  /** The reader's line cap, quoted in `line_too_long` messages. */
  maxLineBytes?: number;
}

/** First line and count of a repeated warning condition, so warnings can point at an example. */
class Occurrences {
  count = 0;
  first = 0;
  note(line: number): void {
    if (this.count++ === 0) this.first = line;
  }
}

/**
 * Validates a dataset line by line in constant memory (only counters, bounded samples, a token histogram and a
 * 12-byte-per-line duplicate table are kept). Feed it every line from a `LineSplitter`, then call `finish`.
 * Never throws on bad content: every problem becomes a counted, line-numbered error or a warning.
 */
export class DatasetValidator {
  readonly profile: ModelProfile;
  private readonly counter: TokenCounter;
  private readonly errors = new Map<ErrorCategory, number>();
  private readonly samples = new Map<ErrorCategory, ErrorSample[]>();
  private readonly tokens = new Distribution();
  private readonly assistantTokens = new Distribution();
  private readonly messageCounts = new Distribution();
  private readonly seen = new LineHashSet();
  private readonly labels = new LabelTally();
  private examples = 0;
  private billed = 0;
  private readonly blank = new Occurrences();
  private readonly missingSystem = new Occurrences();
  private readonly missingUser = new Occurrences();
  private readonly overLimit = new Occurrences();
  private readonly duplicates = new Occurrences();
  private firstDuplicateOf = 0;
  private readonly noTrained = new Occurrences();
  private readonly extraKeys = new Occurrences();
  private firstExtraKey = '';
  private readonly withoutGraderFields = new Occurrences();
  private readonly imageExamples = new Occurrences();

  constructor(private readonly opts: ValidatorOptions) {
    this.profile = modelProfile(opts.model);
    this.counter = tokenCounter(this.profile.encoding);
  }

  /** Examples read so far (non-blank lines, readable or not), for the `maxExamples` limit. */
  get exampleCount(): number {
    return this.examples;
  }

  addLine(raw: RawLine): void {
    if (raw.kind === 'too_long') {
      this.examples++;
      this.error(
        raw.line,
        'line_too_long',
        `${lineTooLongMessage(raw.bytes, this.opts.maxLineBytes ?? 'reader')}; skipped`,
      );
      return;
    }
    if (raw.kind === 'invalid_utf8') {
      this.examples++;
      this.error(raw.line, 'invalid_utf8', `invalid UTF-8 at byte ${raw.badByteOffset} of the line`);
      return;
    }
    const text = raw.text;
    if (isBlank(text)) {
      this.blank.note(raw.line);
      return;
    }
    this.examples++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.error(raw.line, 'invalid_json', err instanceof Error ? err.message : String(err));
      return;
    }
    this.addExample(value, text, raw.line);
  }

  private addExample(value: unknown, text: string, line: number): void {
    const { method } = this.opts;
    const check = checkExample(value, method);
    for (const issue of check.issues) this.issue(line, issue);

    const ctx = check.context;
    if (ctx) {
      if (!ctx.hasSystem) this.missingSystem.note(line);
      if (!ctx.hasUser) this.missingUser.note(line);
      if (method === 'supervised' && ctx.assistantMessages > 0 && ctx.trainedAssistantMessages === 0)
        this.noTrained.note(line);
      if (ctx.images > 0) this.imageExamples.note(line);
    }
    if (check.extraKeys.length > 0 && method !== 'reinforcement') {
      if (this.extraKeys.count === 0) this.firstExtraKey = check.extraKeys[0]!;
      this.extraKeys.note(line);
    }
    if (method === 'reinforcement' && isJsonObject(value) && check.extraKeys.length === 0)
      this.withoutGraderFields.note(line);

    const t = countExampleTokens(value, method, this.counter);
    if (t) {
      this.tokens.add(t.total);
      this.assistantTokens.add(t.assistant);
      this.messageCounts.add(t.messages);
      this.billed += Math.min(t.total, this.profile.exampleTokenLimit);
      if (t.total > this.profile.exampleTokenLimit) this.overLimit.note(line);
    }
    if (isJsonObject(value)) {
      if (method === 'supervised') this.labels.add(answerLabel(value.messages));
      else if (method === 'dpo') this.labels.add(answerLabel(value.preferred_output));
    }
    const first = this.seen.firstLineOf(text.trim(), line);
    if (first !== 0) {
      if (this.duplicates.count === 0) this.firstDuplicateOf = first;
      this.duplicates.note(line);
    }
  }

  private issue(line: number, issue: Issue): void {
    this.error(line, issue.category, issue.message);
  }

  private error(line: number, category: ErrorCategory, message: string): void {
    this.errors.set(category, (this.errors.get(category) ?? 0) + 1);
    let list = this.samples.get(category);
    if (!list) this.samples.set(category, (list = []));
    if (list.length < SAMPLES_PER_CATEGORY) list.push({ line, category, message });
  }

  finish(input: LineStats): ValidationReport {
    const { method, model } = this.opts;
    const limit = this.profile.exampleTokenLimit;
    const warnings: string[] = [];
    if (this.examples === 0)
      this.error(0, 'empty_file', input.bytes === 0 ? 'the file is empty' : 'the file has only blank lines');
    else if (this.examples < MIN_EXAMPLES)
      this.error(0, 'too_few_examples', `${this.examples} examples; the provider requires at least ${MIN_EXAMPLES}`);
    else if (this.examples < RECOMMENDED_MIN_EXAMPLES)
      warnings.push(
        `only ${this.examples} examples; OpenAI recommends starting with at least ${RECOMMENDED_MIN_EXAMPLES}` +
          ` well-crafted ones`,
      );

    if (input.bom)
      warnings.push('line 1: starts with a UTF-8 byte-order mark (ignored here; `tailor prep` removes it)');
    if (input.crlfLines > 0)
      warnings.push(
        `line ${input.firstCrlfLine}: ${input.crlfLines} line(s) end with CRLF (accepted; \`tailor prep\` writes LF)`,
      );
    if (this.blank.count > 0) warnings.push(`line ${this.blank.first}: ${this.blank.count} blank line(s) skipped`);
    if (method === 'supervised' && this.examples > 0) {
      if (this.missingSystem.count > 0)
        warnings.push(
          `line ${this.missingSystem.first}: ${this.missingSystem.count} example(s) missing a system message`,
        );
      if (this.missingUser.count > 0)
        warnings.push(`line ${this.missingUser.first}: ${this.missingUser.count} example(s) missing a user message`);
      if (this.noTrained.count > 0)
        warnings.push(
          `line ${this.noTrained.first}: ${this.noTrained.count} example(s) whose assistant messages all ` +
            `have weight 0 (nothing to learn)`,
        );
    }
    if (this.extraKeys.count > 0) {
      warnings.push(
        `line ${this.extraKeys.first}: ${this.extraKeys.count} example(s) carry top-level keys the ${method} ` +
          `format does not define (e.g. '${this.firstExtraKey}'); the provider may reject them`,
      );
    }
    if (this.withoutGraderFields.count > 0)
      warnings.push(
        `line ${this.withoutGraderFields.first}: ${this.withoutGraderFields.count} example(s) have no fields ` +
          `besides messages for graders to reference`,
      );
    if (this.imageExamples.count > MAX_IMAGE_EXAMPLES) {
      warnings.push(
        `line ${this.imageExamples.first}: ${this.imageExamples.count} examples carry images; the provider ` +
          `accepts at most ${MAX_IMAGE_EXAMPLES.toLocaleString('en-US')} per file (split the file)`,
      );
    }
    if (this.overLimit.count > 0) {
      warnings.push(
        `line ${this.overLimit.first}: ${this.overLimit.count} example(s) exceed ${model}'s ` +
          `${limit.toLocaleString('en-US')}-token training limit and will be truncated from the end`,
      );
    }
    if (this.duplicates.count > 0)
      warnings.push(
        `line ${this.duplicates.first}: ${this.duplicates.count} duplicate example(s) (first repeats line ` +
          `${this.firstDuplicateOf})`,
      );
    const labels = this.labels.result();
    if (labels) {
      const counts = Object.values(labels);
      const max = counts[0]!;
      const min = counts[counts.length - 1]!;
      const rare = Object.entries(labels)
        .filter(([, n]) => n * 10 < max || n < 10)
        .map(([l]) => l);
      if (rare.length > 0)
        warnings.push(
          `label imbalance: ${rare.map((l) => `'${l}' (${labels[l]})`).join(', ')} vs '` +
            `${Object.keys(labels)[0]}' (${max}); min/max ${min}/${max}`,
        );
    }
    if (!this.profile.known)
      warnings.push(
        `unknown model '${model}': assumed ${this.profile.encoding} and a ${limit.toLocaleString('en-US')}` +
          `-token example limit`,
      );
    if (this.opts.today) {
      const days = daysUntilShutdown(this.profile, this.opts.today);
      if (days !== undefined && days < 0)
        warnings.push(
          `base model ${model} was shut down on ${this.profile.shutdownDate}; new fine-tuning jobs will fail`,
        );
      else if (days !== undefined && days <= SHUTDOWN_WARNING_DAYS)
        warnings.push(`base model ${model} shuts down on ${this.profile.shutdownDate} (in ${days} days)`);
    }
    const estimate = estimateCost({
      examples: this.examples,
      billedTokensPerEpoch: this.billed,
      epochs: this.opts.epochs,
      model,
      method,
      price: this.opts.price,
    });
    if (estimate.note) warnings.push(estimate.note);

    const errorSamples = [...this.samples.values()].flat().sort((a, b) => a.line - b.line);
    return {
      valid: this.errors.size === 0,
      examples: this.examples,
      method,
      model,
      encoding: this.profile.encoding,
      exampleTokenLimit: limit,
      errors: Object.fromEntries([...this.errors.entries()].sort()),
      errorSamples,
      warnings,
      input: {
        bytes: input.bytes,
        lines: input.lines,
        blankLines: this.blank.count,
        bom: input.bom,
        crlfLines: input.crlfLines,
      },
      stats: {
        messagesPerExample: this.messageCounts.summary(),
        missingSystem: this.missingSystem.count,
        missingUser: this.missingUser.count,
        overTokenLimit: this.overLimit.count,
        duplicates: this.duplicates.count,
        noTrainedAssistant: this.noTrained.count,
      },
      labels,
      tokens: {
        total: this.tokens.total,
        billed: this.billed,
        perExample: this.tokens.summary(),
        assistantPerExample: this.assistantTokens.summary(),
      },
      estimate,
    };
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
