import os from 'node:os';
import { textTable } from '../../core/text/textTable';
import { openRegistry } from '../../stores/registry/registryBackend';
import { aliasArg } from '../aliasArg';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export const command: CliCommand = {
  name: 'canary',
  summary: "show an alias's canary and its history, or abort it",
  help: `Usage: tailor canary show NAME@ALIAS [--json]
       tailor canary abort NAME@ALIAS --reason TEXT [--by NAME] [--json]

A pipeline with \`deploy: { canary: { percent: 10 } }\` does not move its alias: it records the candidate as the
alias's canary, and \`tailor gateway\` serves it to that share of the alias's users (sticky per user key).

show      the running canary (model, percent, who, run) and every start, promotion and abort
abort     stop the canary: every user gets the alias's model again (recorded with --by and --reason)

Promote it with \`tailor promote NAME@ALIAS --reason TEXT\` (no MODEL): the alias moves to the canary's model
through the audited deploy workflow, which ends the canary as promoted. Exit 1 when the alias has no canary.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const [sub, arg, ...rest] = positionals;
    if (sub !== 'show' && sub !== 'abort') throw new UsageError('expected show or abort (see `tailor canary --help`)');
    if (!arg || rest.length) throw new UsageError('expected NAME@ALIAS');
    const ref = aliasArg(arg);
    if (sub === 'abort' && !values.reason) throw new UsageError('--reason TEXT is required');
    const name = `${ref.pipeline}@${ref.alias}`;
    const registry = await openRegistry();
    try {
      if (sub === 'abort') {
        const who = values.by ?? os.userInfo().username;
        const ended = await registry.endCanary({ ...ref, action: 'aborted', who, why: values.reason!, runId: null });
        if (!ended) {
          console.error(`tailor canary: ${name} has no canary to abort`);
          return 1;
        }
        if (values.json) console.log(JSON.stringify({ aborted: ended }));
        else console.log(`${name}: canary of ${ended.model} (${ended.percent}%) aborted by ${who}`);
        return 0;
      }
      const canary = (await registry.getCanary(ref.pipeline, ref.alias)) ?? null;
      const history = await registry.canaryHistory(ref.pipeline, ref.alias);
      if (values.json) {
        console.log(JSON.stringify({ canary, history }));
      } else {
        console.log(
          canary
            ? `${name}: ${canary.model} serves ${canary.percent}% of users (since ${iso(canary.startedAt)}, ` +
                `${canary.who}, run ${canary.runId ?? '-'})`
            : `${name}: no canary`,
        );
        if (history.length) {
          console.log(
            '\n' +
              textTable(
                ['when', 'action', 'model', 'percent', 'who', 'run', 'why'],
                history.map((h) => [iso(h.at), h.action, h.model, `${h.percent}%`, h.who, h.runId ?? '', h.why]),
              ),
          );
        }
      }
      return canary ? 0 : 1;
    } finally {
      await registry.close();
    }
  },
};
