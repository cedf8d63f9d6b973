import { stringify } from 'yaml';
import type { PromptCandidate } from './searchTypes';

/**
 * The winning candidate as a prompt-template file a pipeline's `baselines.prompts` can name. Its `name` is the
 * one given (variant IDs in the leaderboard come from template names), so its version differs from the
 * candidate's only by that name. Few-shot settings are not part of a template: the header says what to set.
 */
export function winnerTemplateYaml(
  c: PromptCandidate,
  name: string,
  note: { searchId: string; devScore: number; heldOutScore: number },
): string {
  const t = c.prompt.template;
  const body: Record<string, unknown> = {
    name,
    description: `found by prompt search ${note.searchId} (candidate ${c.key.slice(0, 12)})`,
    system: t.system,
    ...(t.instructions ? { instructions: t.instructions } : {}),
    ...(t.constraints.length ? { constraints: t.constraints } : {}),
    ...(t.outputFormat ? { outputFormat: t.outputFormat } : {}),
    ...(t.stepByStep !== false ? { stepByStep: t.stepByStep } : {}),
    separator: t.separator,
    variables: t.variables,
    user: t.user,
  };
  const header = [
    `# Written by \`tailor prompt-search\`: development score ${note.devScore.toFixed(3)}, held-out score ` +
      `${note.heldOutScore.toFixed(3)}.`,
    '# Name this file in a pipeline spec under baselines.prompts to score it on the leaderboard.',
    ...(c.fewShot
      ? [
          `# The winner also used ${c.fewShot.k} few-shot examples (${c.fewShot.strategy.type}); a template ` +
            `cannot carry them: set baselines.fewShot to match.`,
        ]
      : []),
  ];
  return `${header.join('\n')}\n${stringify(body, { lineWidth: 0 })}`;
}
