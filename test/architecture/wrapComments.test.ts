import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/wrapComments.js breaks the comment lines Prettier leaves over 120 characters and nothing else: code,
 * strings, template literals, regular expressions and directives keep their bytes. It runs here as the formatting
 * pass runs it, on files in a folder.
 */
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'wrapComments.js');
const words = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

function wrap(source: string, ...args: string[]): { text: string; stdout: string; status: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-wrap-'));
  try {
    const file = path.join(dir, 'probe.ts');
    fs.writeFileSync(file, source);
    let stdout: string;
    let status = 0;
    try {
      stdout = execFileSync(process.execPath, [SCRIPT, ...args, dir], { encoding: 'utf8' });
    } catch (err) {
      const e = err as { stdout: string; status: number };
      stdout = e.stdout;
      status = e.status;
    }
    return { text: fs.readFileSync(file, 'utf8'), stdout, status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const longLines = (text: string) => text.split('\n').filter((l) => l.length > 120);

describe('scripts/wrapComments.js', () => {
  it('re-flows a long // paragraph into the next line, keeping indentation and list items', () => {
    const source = [
      'function f(): void {',
      `  // ${words(22)}`,
      '  // continues the sentence.',
      '  // - a list item starts its own line',
      '}',
      '',
    ].join('\n');
    const { text } = wrap(source);
    expect(longLines(text)).toEqual([]);
    const comment = text.split('\n').filter((l) => l.startsWith('  // '));
    expect(comment.map((l) => l.slice(5)).join(' ')).toBe(
      `${words(22)} continues the sentence. - a list item starts its own line`,
    );
    expect(comment[comment.length - 1]).toBe('  // - a list item starts its own line');
  });

  it('wraps JSDoc lines under the same ` * ` prefix and opens a long one-line /** */', () => {
    const source = [
      `/** ${words(24)} */`,
      'export interface A {',
      '  /**',
      `   * ${words(22)} @default 'x'`,
      '   */',
      '  a: string;',
      '}',
      '',
    ].join('\n');
    const { text } = wrap(source);
    expect(longLines(text)).toEqual([]);
    expect(text.startsWith('/**\n * word0 ')).toBe(true);
    expect(text).toContain(" word20 word21 @default 'x'\n   */\n  a: string;");
  });

  it('moves a long trailing comment above its line', () => {
    const { text } = wrap(`const x = 1; // ${words(24)}\n`);
    expect(longLines(text)).toEqual([]);
    expect(text.endsWith('\nconst x = 1;\n')).toBe(true);
    expect(text.startsWith('// word0 ')).toBe(true);
  });

  it('leaves code, strings, template literals, regular expressions and directives alone', () => {
    const source = [
      `const s = '// ${words(24)}';`,
      `const t = \`// \${s} ${words(24)}\`;`,
      `const r = /\\/\\/ ${words(24)}/;`,
      `export const all = [s, t, r]; // eslint-disable-line no-console -- ${words(20)}`,
      '',
    ].join('\n');
    const { text, stdout } = wrap(source);
    expect(text).toBe(source);
    expect(stdout).toBe('wrapComments: 0 of 1 files changed\n');
  });

  it('--check lists what would change and exits 1 without writing', () => {
    const source = `// ${words(30)}\nexport {};\n`;
    const { text, stdout, status } = wrap(source, '--check');
    expect(text).toBe(source);
    expect(status).toBe(1);
    expect(stdout).toMatch(/probe\.ts\nwrapComments: 1 of 1 files would change\n$/);
  });
});
