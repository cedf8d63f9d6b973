import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

/**
 * scripts/wrapStrings.js cuts the string and template literals that run a line past 120 characters into
 * concatenations at spaces, and every value stays what it was: the samples are evaluated before and after.
 */
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'wrapStrings.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { wrapStrings, literalValues } = require(SCRIPT) as {
  wrapStrings: (fileName: string, text: string, width?: number) => string;
  literalValues: (fileName: string, text: string) => string[];
};

const pad = (n: number) => 'word '.repeat(n);

/** The split as the format script lays it out: Prettier (its command line) after the script, with the repository's
 * settings. */
function formatted(text: string): string {
  const bin = path.resolve(__dirname, '..', '..', 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const stdin = path.resolve(__dirname, 'probe.ts');
  return execFileSync(process.execPath, [bin, '--stdin-filepath', stdin], { input: text, encoding: 'utf8' });
}

/** Runs `source` (a module whose `values` export is an array of strings) and returns those values. */
function evaluate(source: string): unknown {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: {} as { values?: unknown } };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports.values;
}

const SAMPLES = [
  // Escapes, both quotes, unicode and an escaped backslash before a space.
  `export const values = [\n  'it\\'s "quoted" \\\\ then \\u00e9 \\x41 \\n tab\\t → ✓ ${pad(22)}end',\n];\n`,
  `export const values = [\n  "double \\"quoted\\" it's ${pad(24)}end",\n];\n`,
  // A template with substitutions, a nested template and an escaped backtick and \${.
  'const n = 3;\nconst f = (x: number) => `<${x}>`;\n' +
    `export const values = [\n  \`n=\${n} \\\` \\\${literal} \${f(n)} \${n > 1 ? \`many \${n}\` : 'one'} ${pad(20)}end\`,\n];\n`,
  // A no-substitution template and a literal in a + chain with code on both sides.
  `const x = 1;\nexport const values = [x + '${pad(25)}end' + x, \`${pad(26)}tail\`];\n`,
];

describe('scripts/wrapStrings.js', () => {
  it.each(SAMPLES.map((s, i) => [i, s]))('sample %d: cut to lines of at most 120, same values', (_i, source) => {
    const out = wrapStrings('probe.ts', source);
    expect(out).not.toBe(source);
    expect(
      formatted(out)
        .split('\n')
        .filter((l) => l.length > 120),
    ).toEqual([]);
    expect(evaluate(out)).toEqual(evaluate(source));
    expect(literalValues('probe.ts', out)).toEqual(literalValues('probe.ts', source));
  });

  it('cuts only at spaces: a URL that fits a line stays whole', () => {
    const url = 'https://example.com/' + 'a'.repeat(70);
    const source = `export const values = [\`see ${url} for \${1 + 1} ${pad(12)}end\`];\n`;
    const out = wrapStrings('probe.ts', source);
    expect(out).not.toBe(source);
    expect(out).toContain(url);
    expect(evaluate(out)).toEqual(evaluate(source));
  });

  it('leaves regular expressions, types, tagged and multi-line templates, property names and `as const`', () => {
    const long = pad(26);
    const source = [
      `export const re = /${long}/;`,
      `export type T = '${long}';`,
      `const tag = (s: TemplateStringsArray) => s.join('');`,
      `export const tagged = tag\`${long}\`;`,
      `export const multi = \`first line\n${long}\`;`,
      `export const o = { '${long}': 1 };`,
      `export const c = '${long}' as const;`,
      `import '${long}';`,
      '',
    ].join('\n');
    expect(wrapStrings('probe.ts', source)).toBe(source);
  });

  it('keeps lines that fit, and short literals on long lines, as they are', () => {
    const source = `export const values = ['${pad(10)}'];\nexport const f = (a: string) => call(a, 'short one', ${pad(20).trim().replace(/ /g, ', ')});\n`;
    expect(wrapStrings('probe.ts', source)).toBe(source);
  });

  it('--check lists a file it would change and exits 1; a run writes it and reports the count', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-wrapstrings-'));
    try {
      const file = path.join(dir, 'probe.ts');
      fs.writeFileSync(file, SAMPLES[0]!);
      let status = 0;
      let stdout = '';
      try {
        execFileSync(process.execPath, [SCRIPT, '--check', dir], { encoding: 'utf8' });
      } catch (err) {
        ({ status, stdout } = err as { status: number; stdout: string });
      }
      expect(status).toBe(1);
      expect(stdout).toMatch(/probe\.ts\nwrapStrings: 1 of 1 files would change\n$/);
      expect(fs.readFileSync(file, 'utf8')).toBe(SAMPLES[0]);
      expect(execFileSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' })).toBe(
        'wrapStrings: 1 of 1 files changed\n',
      );
      expect(fs.readFileSync(file, 'utf8')).toBe(wrapStrings('probe.ts', SAMPLES[0]!));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
