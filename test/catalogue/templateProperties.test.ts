import fc from 'fast-check';
import { PromptTemplateSchema, type PromptTemplateInput } from '../../core/prompts/promptTemplate';
import { PromptRenderError, renderPrompt } from '../../core/prompts/renderPrompt';

/**
 * Property tests of the template renderer (core/prompts/renderPrompt.ts): with every variable given, the output is
 * exactly the template with each placeholder replaced by its value (so none is left behind, and a value's own `$&`
 * or braces are inserted verbatim); with one required variable missing, the error names that variable.
 */
const RUNS = { numRuns: 250 };

const varName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
/** Literal template text: anything without braces, so the only placeholders are the ones generated. */
const literal = fc.string({ maxLength: 12 }).map((s) => s.replace(/[{}]/g, ''));
type Piece = { text: string } | { name: string; spaces: [string, string] };

/** A template text as pieces (literal text and placeholders, written `{{name}}` or `{{ name }}`) over `names`. */
function textOver(names: string[]) {
  const piece: fc.Arbitrary<Piece> = fc.oneof(
    literal.map((text) => ({ text })),
    fc
      .tuple(fc.constantFrom(...names), fc.constantFrom('', ' ', '  '), fc.constantFrom('', ' '))
      .map(([name, a, b]) => ({ name, spaces: [a, b] as [string, string] })),
  );
  return fc.array(piece, { minLength: 1, maxLength: 6 });
}
const write = (pieces: Piece[]) =>
  pieces.map((p) => ('text' in p ? p.text : `{{${p.spaces[0]}${p.name}${p.spaces[1]}}}`)).join('');
const fill = (pieces: Piece[], vars: Record<string, string>) =>
  pieces.map((p) => ('text' in p ? p.text : vars[p.name]!)).join('');

/** A template whose user and system texts use every declared variable at least once, plus the values to fill it. */
const scenario = fc
  .uniqueArray(varName, { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      user: textOver(names),
      system: textOver(names),
      values: fc.tuple(...names.map(() => fc.string({ maxLength: 15 }))),
    }),
  )
  .map(({ names, user, system, values }) => {
    // Every declared variable must appear somewhere, or the schema refuses the template as "declared but never used".
    const userPieces: Piece[] = [...user, ...names.map((name): Piece => ({ name, spaces: ['', ''] }))];
    const sys: Piece[] = [{ text: 'S' }, ...system];
    const input: PromptTemplateInput = { name: 'prop', system: write(sys), user: write(userPieces), variables: names };
    const template = PromptTemplateSchema.parse(input);
    const vars = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
    return { names, template, vars, system: sys, userPieces };
  });

describe('template renderer: properties', () => {
  test('all variables given: the output is the template with every placeholder replaced, none left behind', () => {
    fc.assert(
      fc.property(scenario, ({ template, vars, system, userPieces }) => {
        const messages = renderPrompt(template, vars);
        expect(messages).toEqual([
          { role: 'system', content: fill(system, vars) },
          { role: 'user', content: fill(userPieces, vars) },
        ]);
        const braceFree = Object.values(vars).every((v) => !/[{}]/.test(v));
        if (braceFree) for (const m of messages) expect(m.content).not.toMatch(/\{\{/);
      }),
      RUNS,
    );
  });

  test('one variable missing: a PromptRenderError naming exactly that variable', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ names, template, vars }, pick) => {
        const missing = names[pick % names.length]!;
        const { [missing]: _dropped, ...rest } = vars;
        let err: unknown;
        try {
          renderPrompt(template, rest);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(PromptRenderError);
        expect(err).toMatchObject({ variable: missing, kind: 'missing' });
        expect((err as Error).message).toContain(`missing variable '${missing}'`);
      }),
      RUNS,
    );
  });

  test('a variable the template does not declare: a PromptRenderError naming it', () => {
    fc.assert(
      fc.property(scenario, varName, ({ names, template, vars }, extra) => {
        fc.pre(!names.includes(extra));
        expect(() => renderPrompt(template, { ...vars, [extra]: 'x' })).toThrow(
          new RegExp(`undeclared variable '${extra}' given`),
        );
      }),
      RUNS,
    );
  });
});
