import { luhnValid } from './luhn';

export type PiiKind = 'email' | 'phone' | 'card' | 'ip' | 'secret';
export const ALL_PII_KINDS: readonly PiiKind[] = ['email', 'phone', 'card', 'ip', 'secret'];

/** What replaces each kind: visible, fixed tokens, so the model learns that something was there without learning it. */
export const PII_PLACEHOLDERS: Record<PiiKind, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  ip: '[IP]',
  secret: '[SECRET]',
};

// Provider keys and tokens with recognisable shapes, then `key=value` assignments of secret-named settings.
const SECRET = new RegExp(
  [
    String.raw`\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{20,}`,
    String.raw`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}`,
    String.raw`\bgithub_pat_[A-Za-z0-9_]{22,}`,
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`,
    String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`,
    String.raw`\bAIza[0-9A-Za-z_-]{35}`,
    String.raw`\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}`,
    String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
    String.raw`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`,
  ].join('|'),
  'g',
);
const SECRET_ASSIGNMENT =
  /\b((?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|token|password|passwd|pwd|bearer)["']?\s*[:=]?\s*["']?)([A-Za-z0-9_\-./+=]{12,})/gi;
// The local part starts where a run of its characters starts: otherwise every position inside a long run (`y`
// a million times, no `@`) would rescan the rest of the run, quadratic time. A match can only start at a run's
// first character anyway, since the run must reach the `@`.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
// 13–19 digits, optionally grouped by single spaces or dashes; Luhn decides.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = new RegExp(String.raw`(?<![\d.])${OCTET}(?:\.${OCTET}){3}(?![\d.]|\.\d)`, 'g');
const IPV6 =
  /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?)(?![\w:])/g;
// International (+CC …) or North-American style with separators; bare digit runs are left alone (ids, amounts).
const PHONE =
  /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|(?:\(\d{3}\)[ .-]?|\d{3}[.-])\d{3}[.-]\d{4})(?!\w)/g;

// What every pattern above needs somewhere in the text: a digit, `@` or `:` (emails, cards, IP addresses, phones),
// a provider key's fixed part, or a secret-named setting. Text with none of them (most captured fields: roles,
// finish reasons, prose) cannot match any pattern, so one test settles it. A new pattern must keep this true: add
// what it cannot match without.
const MAYBE_PII = new RegExp(
  String.raw`[\d@:]|sk-|gh[pousr]_|github_pat_|A[KS]IA|xox|AIza|_(?:live|test)_|eyJ|-----BEGIN` +
    '|key|secret|token|passw|pwd|bearer',
  'i',
);
const DIGIT = /\d/;

function bump(counts: Partial<Record<PiiKind, number>>, k: PiiKind): void {
  counts[k] = (counts[k] ?? 0) + 1;
}

/**
 * Replaces personal data and secrets in `text` with placeholders, adding what it replaced to `counts`.
 * Order matters: secrets first (keys contain digit runs), then emails, cards, IP addresses, phones last (the
 * loosest pattern, so it must not see what the others already claimed). A pattern runs only when the text so far
 * holds the character it cannot match without (`@`, a digit, `:`); placeholders add none of those.
 */
export function scrubPii(text: string, kinds: ReadonlySet<PiiKind>, counts: Partial<Record<PiiKind, number>>): string {
  if (!MAYBE_PII.test(text)) return text;
  let s = text;
  if (kinds.has('secret')) {
    s = s.replace(SECRET, () => (bump(counts, 'secret'), PII_PLACEHOLDERS.secret));
    s = s.replace(SECRET_ASSIGNMENT, (m, prefix: string, value: string) => {
      // Plain words after "token"/"password" are prose, not secrets: require a digit or mixed case.
      if (!/\d/.test(value) && !(/[a-z]/.test(value) && /[A-Z]/.test(value))) return m;
      bump(counts, 'secret');
      return prefix + PII_PLACEHOLDERS.secret;
    });
  }
  if (kinds.has('email') && s.includes('@')) {
    s = s.replace(EMAIL, () => (bump(counts, 'email'), PII_PLACEHOLDERS.email));
  }
  if (kinds.has('card') && DIGIT.test(s)) {
    s = s.replace(CARD, (m) => {
      const digits = m.replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return m;
      bump(counts, 'card');
      return PII_PLACEHOLDERS.card;
    });
  }
  if (kinds.has('ip')) {
    if (DIGIT.test(s)) s = s.replace(IPV4, () => (bump(counts, 'ip'), PII_PLACEHOLDERS.ip));
    if (s.includes(':')) {
      s = s.replace(IPV6, (m) => {
        if (m.replace(/:/g, '').length < 4) return m; // "a::" style fragments are not addresses
        bump(counts, 'ip');
        return PII_PLACEHOLDERS.ip;
      });
    }
  }
  if (kinds.has('phone') && DIGIT.test(s)) {
    s = s.replace(PHONE, (m) => {
      const digits = m.replace(/\D/g, '').length;
      if (digits < 7 || digits > 15) return m;
      bump(counts, 'phone');
      return PII_PLACEHOLDERS.phone;
    });
  }
  return s;
}
