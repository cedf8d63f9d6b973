import { resolveModelAsync } from '../../stores/registry/resolveModel';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'resolve',
  summary: 'print the model ID an alias names (NAME@ALIAS)',
  help: `Usage: tailor resolve NAME@ALIAS

Prints the model ID the registry's alias names now (e.g. \`tailor resolve support-tickets@prod\`). Exit 1 when
the alias names no model. Applications can call the same thing: \`import { resolveModel } from 'tailor'\`
(\`resolveModelAsync\` when TAILOR_REGISTRY is a PostgreSQL database).`,
  async run(argv) {
    const { positionals } = parseCommandArgs(argv, {});
    if (positionals.length !== 1) throw new UsageError('expected NAME@ALIAS');
    try {
      console.log(await resolveModelAsync(positionals[0]!));
      return 0;
    } catch (err) {
      const msg = (err as Error).message;
      if (/is not NAME@ALIAS/.test(msg)) throw new UsageError(msg);
      console.error(`tailor resolve: ${msg}`);
      return 1;
    }
  },
};
