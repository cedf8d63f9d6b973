import fs from 'node:fs';
import path from 'node:path';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { loadSearchSpace } from '../../config/promptSearchSpec';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { searchReportText } from '../../core/promptSearch/searchReport';
import type { PromptSearchResult } from '../../core/promptSearch/searchTypes';
import { winnerTemplateYaml } from '../../core/promptSearch/winnerTemplate';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { promptSearchProgressQuery } from '../../workflows/promptSearchWorkflow';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { stackLine, startStack } from '../stack/embeddedStack';
import { failureCause } from '../../core/failures/failureCause';
import { copyReport } from './eval';
import { promptSearchInput, searchIdFor, searchSettings, startPromptSearch } from '../stack/startPromptSearch';

export const command: CliCommand = {
  name: 'prompt-search',
  summary: 'search prompt variants on the development split and report the best (held-out score separately)',
  help: `Usage: tailor prompt-search SPEC --space FILE [--candidates N] [--budget-usd X] [--round-size N]
                          [--dev-examples N] [--test-examples N] [--out FILE] [--md FILE] [--json] [--id ID]

Generates candidate prompts from a search-space file (the starting template's parts with alternatives: role,
instruction wordings, constraint sets, step-by-step on/off, few-shot k and selector), scores each on the
pipeline's development split (its prepared validation split, never the test split) as a child eval workflow, in
rounds, within a budget, and keeps the best. The winner and the starting prompt are then scored once on the
held-out test split, reported separately. With \`rewriter: {model}\` in the space, a model rewrites the best
candidate's instructions from its failures between rounds.

The search is a durable workflow named by its content: running the same command again after a cancel or a crash
resumes it (finished candidates are not evaluated again); after it completed, it prints the same result.

Options:
  --space FILE         the search space (YAML), e.g. examples/support-tickets/prompts/search.yaml (required)
  --candidates N       most candidates evaluated, the starting prompt included (default: the space's budget.candidates)
  --budget-usd X       most USD spent on development answers, from token counts at list prices (default: the space's)
  --round-size N       candidates evaluated at once (default: the space's roundSize)
  --dev-examples N     cap on development cases per candidate (default: the whole validation split)
  --test-examples N    cap on held-out cases (default: the whole test split)
  --out FILE           write the winning template to FILE; name it in the pipeline's baselines.prompts to put it
                       on the journey's leaderboard
  --md FILE            write the Markdown report to FILE
  --json               print the result as one JSON object (progress goes to stderr)
  --id ID              the search's workflow ID (default: derived from the spec, the space and the options)

Example: tailor prompt-search examples/support-tickets/pipeline.yaml --space examples/support-tickets/prompts/search.yaml --out best.yaml

Exit codes: 0 the search finished, 1 it failed or was cancelled, 2 a bad spec, space file or usage.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      space: { type: 'string' },
      candidates: { type: 'string' },
      'budget-usd': { type: 'string' },
      'round-size': { type: 'string' },
      'dev-examples': { type: 'string' },
      'test-examples': { type: 'string' },
      out: { type: 'string' },
      md: { type: 'string' },
      json: { type: 'boolean', default: false },
      id: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one pipeline SPEC file (see tailor prompt-search --help)');
    if (!values.space)
      throw new UsageError(
        '--space FILE is required: the search space (see examples/support-tickets/prompts/search.yaml)',
      );
    const positive = (name: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const n = intOption(name, v, 0);
      if (n < 1) throw new UsageError(`--${name} expects a positive integer, got '${v}'`);
      return n;
    };
    const usdText = values['budget-usd'];
    const usd = usdText === undefined ? undefined : Number(usdText);
    if (usd !== undefined && !(usd > 0))
      throw new UsageError(`--budget-usd expects a positive number of USD, got '${usdText}'`);
    let loaded, space;
    try {
      loaded = loadSpec(positionals[0]!);
      space = loadSearchSpace(values.space);
    } catch (err) {
      if (err instanceof SpecError || err instanceof YamlSpecError) throw new UsageError(err.message);
      throw err;
    }
    // A feedback-sourced dataset is materialised by a pipeline run; the search needs the file the splits come from.
    if ((loaded.spec.dataset as { source?: string }).source === 'capture') {
      const how = 'export the traffic with `tailor capture export` and point a spec at it';
      throw new UsageError(
        `${loaded.file}: dataset.source is capture; tailor prompt-search needs a dataset file (${how})`,
      );
    }
    if ((loaded.spec.dataset as { source?: string }).source === 'feedback') {
      throw new UsageError(
        `${loaded.file}: dataset.source is feedback; tailor prompt-search needs a dataset file (export the ` +
          `feedback with \`tailor feedback export\` and point a spec at it)`,
      );
    }
    const settings = searchSettings(space.space, {
      candidates: positive('candidates', values.candidates),
      usd,
      roundSize: positive('round-size', values['round-size']),
      devExamples: positive('dev-examples', values['dev-examples']),
      testExamples: positive('test-examples', values['test-examples']),
    });
    const input = promptSearchInput(loaded, space, settings);
    const searchId = values.id ?? searchIdFor(input, loaded.specSha256);
    const json = values.json === true;
    const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
    log(
      `Tailor prompt search: ${space.candidates.length} candidates from ` +
        `${path.relative(process.cwd(), space.file)} (budget ${settings.budget.candidates} candidates` +
        `${settings.budget.usd ? `, $${settings.budget.usd}` : ''})`,
    );

    const stack = await startStack({ attachToDev: true, startWorker: true, uiPort: false, log: (l) => log(`  ${l}`) });
    try {
      log(`  ${stackLine(stack)}`);
      const started = await startPromptSearch(stack.client, searchId, input, TASK_QUEUE);
      log(
        `search ${searchId}` +
          `${started.mode === 'attached' ? ' (already running or finished: attached)' : started.mode === 'resumed' ? ` (resumed: ${started.resumed.length} finished candidates kept)` : ''}`,
      );
      let last = '';
      const timer = setInterval(() => {
        started.handle
          .query(promptSearchProgressQuery)
          .then((p) => {
            const line =
              `  ${p.stage}: round ${p.round}, ${p.finished.length} scored` +
              `${p.running.length ? `, running ${p.running.join(' ')}` : ''}`;
            if (line !== last) log((last = line));
          })
          .catch(() => undefined);
      }, 1000);
      let result: PromptSearchResult;
      try {
        result = await started.handle.result();
      } catch (err) {
        const cause = failureCause(err).message;
        log(`\nThe search failed: ${cause}`);
        if (json) process.stdout.write(JSON.stringify({ ok: false, searchId, error: cause }) + '\n');
        return 1;
      } finally {
        clearInterval(timer);
      }
      const winner = result.outcomes.find((o) => o.candidate.key === result.winnerKey)!;
      if (values.out) {
        const file = path.resolve(values.out);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
          file,
          winnerTemplateYaml(winner.candidate, space.space.name, {
            searchId,
            devScore: winner.score,
            heldOutScore: result.heldOut.winner.score,
          }),
        );
      }
      if (values.md) await copyReport(result.reports.markdown, values.md, 'search', log);
      if (json)
        process.stdout.write(
          JSON.stringify({ ok: true, ...result, ...(values.out ? { out: path.resolve(values.out) } : {}) }) + '\n',
        );
      else {
        log('');
        log(searchReportText(result));
        if (values.out)
          log(
            `winning template: ${values.out} (name it under baselines.prompts in ` +
              `${path.relative(process.cwd(), loaded.file)} to score it on the leaderboard)`,
          );
        if (winner.candidate.fewShot)
          log(
            `the winner uses ${winner.candidate.fewShot.k} few-shot examples (` +
              `${winner.candidate.fewShot.strategy.type}): set baselines.fewShot to match`,
          );
        if (values.md) log(`Markdown report: ${values.md}`);
      }
      return 0;
    } finally {
      await stack.close();
    }
  },
};
