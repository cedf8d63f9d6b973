/**
 * The PII scrubber as it was before its pre-checks (a verbatim copy of its logic), kept only so
 * test/dataset/piiScrubberSame.test.ts can show the current one gives the same output and counts.
 */
import { luhnValid } from '../../core/dataset/luhn';
import { PII_PLACEHOLDERS, type PiiKind } from '../../core/dataset/piiScrubber';

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

/**
 * Replaces personal data and secrets in `text` with placeholders, adding what it replaced to `counts`.
 * Order matters: secrets first (keys contain digit runs), then emails, cards, IP addresses, phones last (the
 * loosest pattern, so it must not see what the others already claimed).
 */
export function scrubPiiBefore(
  text: string,
  kinds: ReadonlySet<PiiKind>,
  counts: Partial<Record<PiiKind, number>>,
): string {
  const bump = (k: PiiKind) => (counts[k] = (counts[k] ?? 0) + 1);
  let s = text;
  if (kinds.has('secret')) {
    s = s.replace(SECRET, () => (bump('secret'), PII_PLACEHOLDERS.secret));
    s = s.replace(SECRET_ASSIGNMENT, (m, prefix: string, value: string) => {
      // Plain words after "token"/"password" are prose, not secrets: require a digit or mixed case.
      if (!/\d/.test(value) && !(/[a-z]/.test(value) && /[A-Z]/.test(value))) return m;
      bump('secret');
      return prefix + PII_PLACEHOLDERS.secret;
    });
  }
  if (kinds.has('email')) s = s.replace(EMAIL, () => (bump('email'), PII_PLACEHOLDERS.email));
  if (kinds.has('card')) {
    s = s.replace(CARD, (m) => {
      const digits = m.replace(/[ -]/g, '');
      if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return m;
      bump('card');
      return PII_PLACEHOLDERS.card;
    });
  }
  if (kinds.has('ip')) {
    s = s.replace(IPV4, () => (bump('ip'), PII_PLACEHOLDERS.ip));
    s = s.replace(IPV6, (m) => {
      if (m.replace(/:/g, '').length < 4) return m; // "a::" style fragments are not addresses
      bump('ip');
      return PII_PLACEHOLDERS.ip;
    });
  }
  if (kinds.has('phone')) {
    s = s.replace(PHONE, (m) => {
      const digits = m.replace(/\D/g, '').length;
      if (digits < 7 || digits > 15) return m;
      bump('phone');
      return PII_PLACEHOLDERS.phone;
    });
  }
  return s;
}
