import { openRegistry } from '../../stores/registry/registryBackend';
import { textTable } from '../../core/text/textTable';
import { aliasArg } from '../aliasArg';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export const command: CliCommand = {
  name: 'registry',
  summary: 'list models and aliases, show a model, or an alias history',
  help: `Usage: tailor registry list [NAME] [--json]
       tailor registry show MODEL [--json]
       tailor registry history NAME[@ALIAS] [--json]

list      the models registered (per pipeline NAME when given) and where each alias points
show      one model's lineage: provider, base model, job, training data sha256, spec sha256, run, eval report
history   every alias move: from, to, who, when, why, run ID

The registry is TAILOR_REGISTRY, or TAILOR_HOME/registry.db (default .tailor/registry.db).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
    const [sub, arg] = positionals;
    const registry = await openRegistry();
    const out = (data: unknown, text: () => string) => console.log(values.json ? JSON.stringify(data) : text());
    try {
      switch (sub) {
        case 'list': {
          const models = await registry.listModels(arg);
          const aliases = await registry.listAliases(arg);
          out({ models, aliases }, () =>
            [
              textTable(
                ['pipeline', 'model', 'base', 'score', 'run', 'created'],
                models.map((m) => [
                  m.pipeline,
                  m.model,
                  m.baseModel,
                  m.score?.toFixed(3) ?? '',
                  m.runId,
                  iso(m.createdAt),
                ]),
              ),
              '',
              textTable(
                ['alias', 'model', 'since'],
                aliases.map((a) => [`${a.pipeline}@${a.alias}`, a.model, iso(a.updatedAt)]),
              ),
            ].join('\n'),
          );
          return 0;
        }
        case 'show': {
          if (!arg) throw new UsageError('expected a MODEL id');
          const m = await registry.getModel(arg);
          if (!m) {
            console.error(`tailor registry: no model '${arg}' in the registry`);
            return 1;
          }
          out(m, () =>
            Object.entries(m)
              .map(([k, v]) => `${k.padEnd(14)} ${k === 'createdAt' ? iso(v as number) : String(v ?? '')}`)
              .join('\n'),
          );
          return 0;
        }
        case 'history': {
          if (!arg) throw new UsageError('expected NAME or NAME@ALIAS');
          const hasAlias = arg.includes('@');
          const ref = aliasArg(arg);
          const rows = await registry.aliasHistory(ref.pipeline, hasAlias ? ref.alias : undefined);
          out(rows, () =>
            textTable(
              ['when', 'alias', 'from', 'to', 'who', 'run', 'why'],
              rows.map((r) => [
                iso(r.at),
                `${r.pipeline}@${r.alias}`,
                r.fromModel ?? '-',
                r.toModel ?? '-',
                r.who,
                r.runId ?? '',
                r.why,
              ]),
            ),
          );
          return 0;
        }
        default:
          throw new UsageError(`expected list, show or history (see \`tailor registry --help\`)`);
      }
    } finally {
      await registry.close();
    }
  },
};
