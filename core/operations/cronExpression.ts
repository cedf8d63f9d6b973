/** One field of a five-field cron expression: its name, its range and the names it accepts for values. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * Why a cron expression is not a standard five-field one (`minute hour day-of-month month day-of-week`, each a list
 * of `*`, values, ranges and `/step`s, months and weekdays also by name), or undefined when it is one. Checked on the
 * client so a typo is a usage error naming the field, before anything reaches the server.
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (MACROS.has(text.toLowerCase())) return undefined;
  const parts = text.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== FIELDS.length) {
    const macros = [...MACROS].join(', ');
    return `expected 5 fields (minute hour day-of-month month day-of-week) or one of ${macros}, got ${parts.length}`;
  }
  for (const [i, part] of parts.entries()) {
    const problem = fieldProblem(part, FIELDS[i]!);
    if (problem) return problem;
  }
  return undefined;
}

function fieldProblem(part: string, field: CronField): string | undefined {
  for (const item of part.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!m) return `${field.name} '${item}' is not a value, a range or a step`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `${field.name} step '/${m[2]}' must be at least 1`;
    if (m[1] === '*' || m[1] === '?') continue;
    const bounds = m[1]!.split('-');
    if (bounds.length > 2) return `${field.name} '${item}' is not a value or a range`;
    const values: number[] = [];
    for (const b of bounds) {
      const v = valueOf(b, field);
      if (v === undefined) return `${field.name} '${b}' is not a number from ${field.min} to ${field.max}`;
      values.push(v);
    }
    if (values.length === 2 && values[0]! > values[1]!) return `${field.name} range '${m[1]}' runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.names === MONTHS ? named + 1 : named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
