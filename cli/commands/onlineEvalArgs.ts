import fs from 'node:fs';
import path from 'node:path';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { readYamlSource, YamlSpecError } from '../../config/yamlDiagnostics';
import { DeployTargetSchema } from '../../core/spec/deploySpec';
import { referenceProblems } from '../../core/onlineEval/referenceFree';
import type { OnlineEvalInput } from '../../core/onlineEval/onlineEvalTypes';
import { parseDuration } from '../../core/operations/duration';
import { UsageError } from '../command';

/** The most exchanges graded per model and tick. */
export const MAX_SAMPLE = 1000;

/** NAME@ALIAS as the gateway names it (the key its capture rows carry). */
export function aliasArg(value: string | undefined, verb: string): string {
  if (!value || value.startsWith('--')) throw new UsageError(`online-eval ${verb} needs NAME@ALIAS`);
  if (!/^[^@\s]+@[^@\s]+$/.test(value))
    throw new UsageError(`online-eval ${verb}: expected NAME@ALIAS (e.g. tickets@prod), got '${value}'`);
  return value;
}

export function durationArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--${name} expects a duration like 30m, 1h or 1d, got '${value}'`);
  return ms;
}

function numberArg(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} expects a number from ${min} to ${max}, got '${value}'`);
  return n;
}

/**
 * The suite's graders for captured traffic: its suite-wide `assert` list, every one reference-free. A grader that
 * needs a reference answer is refused here, naming the file, the line and the assertion, before anything starts.
 */
export function suiteGraders(file: string | undefined): Pick<OnlineEvalInput, 'suite' | 'assertions' | 'graderModels'> {
  if (!file) throw new UsageError('online-eval needs --suite FILE (an eval suite whose assert: list grades traffic)');
  let suite;
  try {
    // Only its graders are used: variants are not needed, so one stands in when the suite lists none.
    suite = loadEvalSuite(file, { models: ['captured-traffic'] });
  } catch (err) {
    if (err instanceof YamlSpecError) throw new UsageError(err.message);
    throw err;
  }
  const abs = path.resolve(file);
  if (suite.assertions.length === 0)
    throw new UsageError(`${abs}: assert: the suite has no suite-wide assertions to grade captured traffic with`);
  const problems = referenceProblems(suite.assertions);
  if (problems.length > 0) {
    const source = readYamlSource(fs.readFileSync(abs, 'utf8'), abs, 'eval suite');
    throw new UsageError(
      new YamlSpecError(
        abs,
        'eval suite for online evaluation',
        problems.map((p) => ({
          key: `assert.${p.index}`,
          line: source.lineOf(['assert', p.index]),
          message: p.message,
        })),
      ).message,
    );
  }
  return {
    suite: suite.name,
    assertions: suite.assertions,
    ...(suite.graderModels ? { graderModels: suite.graderModels } : {}),
  };
}

/** The flags `start` and `run-once` share. */
export const SHARED_OPTIONS = {
  suite: { type: 'string' },
  window: { type: 'string' },
  sample: { type: 'string' },
  threshold: { type: 'string' },
  'webhook-url': { type: 'string' },
  'secret-env': { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Shared = { [K in keyof typeof SHARED_OPTIONS]?: K extends 'json' ? boolean : string };

/** Everything a run needs but its tick, checked before any connection: a bad flag or suite costs nothing. */
export function onlineEvalInput(alias: string, values: Shared, defaultWindowMs: number): OnlineEvalInput {
  const graders = suiteGraders(values.suite);
  const sample = numberArg('sample', values.sample, 50, 1, MAX_SAMPLE);
  if (!Number.isInteger(sample)) throw new UsageError(`--sample expects a whole number, got '${values.sample}'`);
  const concurrency = numberArg('concurrency', values.concurrency, 4, 1, 64);
  if (!Number.isInteger(concurrency))
    throw new UsageError(`--concurrency expects a whole number, got '${values.concurrency}'`);
  const url = values['webhook-url'];
  const secretEnv = values['secret-env'];
  if (Boolean(url) !== Boolean(secretEnv))
    throw new UsageError('--webhook-url and --secret-env go together (the URL, and the variable holding its secret)');
  let webhook: OnlineEvalInput['webhook'];
  if (url && secretEnv) {
    const parsed = DeployTargetSchema.safeParse({ type: 'webhook', url, secretEnv });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const flag = issue.path[0] === 'url' ? '--webhook-url' : '--secret-env';
      throw new UsageError(`${flag}: ${issue.message}, got '${issue.path[0] === 'url' ? url : secretEnv}'`);
    }
    webhook = parsed.data;
  }
  return {
    alias,
    ...graders,
    windowMs: durationArg('window', values.window, defaultWindowMs),
    sample,
    threshold: numberArg('threshold', values.threshold, 0.8, 0, 1),
    ...(webhook ? { webhook } : {}),
    concurrency,
  };
}

/** The schedule's ID, and the prefix of every run it starts (Temporal appends the scheduled time). */
export function scheduleIdOf(alias: string, suite: string): string {
  return `online-eval-${alias}-${suite}`;
}
