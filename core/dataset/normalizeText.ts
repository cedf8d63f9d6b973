// Invisible characters that make equal-looking texts differ (and waste tokens): BOM, zero-width space/joiners, word
// joiner, soft hyphen.
// eslint-disable-next-line no-misleading-character-class -- each code point is removed on its own, the ZWJ included
const INVISIBLE = /[\uFEFF\u200B\u200C\u200D\u2060\u00AD]/g;
// Unicode spaces that tokenize differently from ' ' but mean the same to a reader.
const ODD_SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
// C0/C1 controls other than tab and newline: never intended in training text.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Canonical form of one text field: NFC (so "é" has one encoding, which exact dedupe and tokens depend on),
 * LF line ends, invisible and control characters removed, odd spaces made plain, runs of spaces inside a line
 * collapsed (leading indentation is kept, since code depends on it), trailing spaces and 3+ blank lines removed,
 * and the whole trimmed. Idempotent: normalizing twice changes nothing.
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFC');
  s = s.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').replace(CONTROLS, '').replace(ODD_SPACES, ' ');
  s = s
    .split('\n')
    .map((line) => {
      const indent = /^[ \t]*/.exec(line)![0];
      return (
        indent +
        line
          .slice(indent.length)
          .replace(/[ \t]{2,}/g, ' ')
          .replace(/[ \t]+$/, '')
      );
    })
    .join('\n');
  return s.replace(/\n{3,}/g, '\n\n').trim();
}
