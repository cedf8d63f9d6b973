import path from 'node:path';
import { ZodError } from 'zod';
import { generateCandidates } from '../core/promptSearch/candidates';
import { SearchSpaceSchema, type SearchSpace } from '../core/promptSearch/searchSpace';
import type { PromptCandidate } from '../core/promptSearch/searchTypes';
import { confineSpecPath } from './allowedRoots';
import { loadPromptTemplate, type LoadedPrompt } from './promptSpec';
import { parseYamlWith, problemText, readSpecText, YamlSpecError, type SpecProblem } from './yamlDiagnostics';

export interface LoadedSearchSpace {
  file: string;
  space: SearchSpace;
  base: LoadedPrompt;
  /** The starting prompt first, then the combinations in the order the search tries them. */
  candidates: PromptCandidate[];
}

const WHAT = 'prompt search space';

/**
 * Reads and validates a search-space file, loads its starting template and generates the candidates. Anything
 * wrong (a bad key, an unreadable base template, an alternative that brings an undeclared `{{variable}}`) is a
 * YamlSpecError naming the file, the line and the key.
 */
export function loadSearchSpace(file: string): LoadedSearchSpace {
  const abs = path.resolve(file);
  const text = readSpecText(file, abs, WHAT);
  const { value: space, source } = parseYamlWith(SearchSpaceSchema, text, abs, WHAT);
  const problem = (key: (string | number)[], message: string): YamlSpecError =>
    new YamlSpecError(abs, WHAT, [{ key: key.join('.'), line: source.lineOf(key), message }]);

  const baseOutside = confineSpecPath(abs, space.base).outside;
  if (baseOutside) throw problem(['base'], baseOutside);
  let base: LoadedPrompt;
  try {
    base = loadPromptTemplate(path.resolve(path.dirname(abs), space.base));
  } catch (err) {
    if (!(err instanceof YamlSpecError)) throw err;
    throw problem(['base'], `the starting template is invalid: ${err.problems.map(problemText).join('; ')}`);
  }
  // Each alternative must make a valid template on its own: check them one part at a time, so the line is exact.
  const problems: SpecProblem[] = [];
  for (const [part, alts] of Object.entries(space.parts)) {
    if (part === 'fewShot' || !alts) continue;
    alts.forEach((alt, i) => {
      const key = ['parts', part, i];
      try {
        generateCandidates(
          { name: base.template.name, version: base.version, template: base.template },
          { ...space, parts: { [part]: [alt] }, sample: 1 },
        );
      } catch (err) {
        if (!(err instanceof ZodError)) throw err;
        problems.push({
          key: key.join('.'),
          line: source.lineOf(key),
          message: err.issues.map((x) => x.message).join('; '),
        });
      }
    });
  }
  if (problems.length) throw new YamlSpecError(abs, WHAT, problems);
  const candidates = generateCandidates(
    { name: base.template.name, version: base.version, template: base.template },
    space,
  );
  return { file: abs, space, base, candidates };
}
