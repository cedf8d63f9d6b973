import type { CaseResult } from '../../core/evalSuite/caseResult';
import { mcnemarExact, type McNemarResult } from '../../core/stats/mcnemar';

/**
 * Prompt distillation, the two steps between Tailor's own runs: the teacher's answers (an eval suite's case results)
 * become the student's training set, and the comparison suite's case results become the teacher/student report.
 * Pure: the caller reads and writes the files.
 */

/** A chat line of the example's data: the messages, the reference answer last, and metadata kept as it was. */
export interface ChatLine {
  messages: { role: string; content: string }[];
  metadata?: Record<string, unknown>;
}

export interface TeacherSet {
  /** Chat JSONL: each prompt with the teacher's answer in place of the reference. */
  jsonl: string;
  /** Prompts the teacher answered (non-empty answer). */
  kept: number;
  /** Prompts left out: the teacher gave no answer (an error or an empty reply). */
  dropped: number;
  /** Of the kept prompts, how many answers equal the prompt's own reference (for the report only; never trained on). */
  matchingReference: number;
}

/**
 * The student's training set: every prompt line with its last (assistant) message replaced by the teacher's answer.
 * `results` are the teacher variant's case results on exactly these lines, in any order (matched by case index).
 */
export function teacherTrainingSet(prompts: readonly ChatLine[], results: readonly CaseResult[]): TeacherSet {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  if (byIndex.size !== prompts.length) {
    throw new Error(`teacher answered ${byIndex.size} case(s) for ${prompts.length} prompt(s): not the same set`);
  }
  const lines: string[] = [];
  let dropped = 0;
  let matchingReference = 0;
  prompts.forEach((line, i) => {
    const r = byIndex.get(i);
    if (!r) throw new Error(`teacher results have no case ${i} (prompt line ${i + 1})`);
    const last = line.messages[line.messages.length - 1];
    if (last?.role !== 'assistant') throw new Error(`prompt line ${i + 1}: the last message is not the answer`);
    const answer = r.output.trim();
    if (r.status === 'error' || answer === '') {
      dropped++;
      return;
    }
    if (answer === last.content.trim()) matchingReference++;
    const messages = [...line.messages.slice(0, -1), { role: 'assistant', content: answer }];
    lines.push(JSON.stringify({ ...line, messages }));
  });
  return { jsonl: lines.map((l) => l + '\n').join(''), kept: lines.length, dropped, matchingReference };
}

/** One variant's row: accuracy and prompt tokens per request, both computed from its case results. */
export interface VariantRow {
  variantId: string;
  n: number;
  correct: number;
  accuracy: number;
  /** Mean prompt tokens per request (the server's own count, from each answer's usage). */
  promptTokensPerRequest: number;
  completionTokensPerRequest: number;
}

export interface DistillationReport {
  teacher: VariantRow;
  student: VariantRow;
  base?: VariantRow;
  /** Cases where the student's answer is the teacher's (trimmed text), out of `teacher.n`. */
  agreement: number;
  /** Paired on case hash: the student as candidate, the teacher as baseline. */
  studentVsTeacher: McNemarResult;
  /** Paired on case hash: the student as candidate, the base model zero-shot as baseline. */
  studentVsBase?: McNemarResult;
}

function rowOf(variantId: string, cases: readonly CaseResult[]): VariantRow {
  if (cases.length === 0) throw new Error(`no case results for variant '${variantId}'`);
  const correct = cases.filter((c) => c.status === 'pass').length;
  const sum = (f: (c: CaseResult) => number) => cases.reduce((s, c) => s + f(c), 0);
  return {
    variantId,
    n: cases.length,
    correct,
    accuracy: correct / cases.length,
    promptTokensPerRequest: sum((c) => c.usage?.prompt_tokens ?? 0) / cases.length,
    completionTokensPerRequest: sum((c) => c.usage?.completion_tokens ?? 0) / cases.length,
  };
}

/** The teacher/student comparison from one suite's case results (every variant scored on the same cases). */
export function distillationReport(
  results: readonly CaseResult[],
  ids: { teacher: string; student: string; base?: string },
): DistillationReport {
  const of = (id: string) => results.filter((r) => r.variantId === id);
  const teacher = of(ids.teacher);
  const student = of(ids.student);
  const byHash = (cases: CaseResult[]) => new Map(cases.map((c) => [c.caseHash, c]));
  const teacherByHash = byHash(teacher);
  const paired = (baseline: Map<string, CaseResult>, name: string) =>
    student.map((c) => {
      const b = baseline.get(c.caseHash);
      if (!b) throw new Error(`case ${c.caseId} was scored for the student but not for ${name}`);
      return b;
    });
  const teacherPaired = paired(teacherByHash, ids.teacher);
  const passed = (cases: CaseResult[]) => cases.map((c) => c.status === 'pass');
  const agreement = student.filter((c, i) => c.output.trim() === teacherPaired[i]!.output.trim()).length;
  const report: DistillationReport = {
    teacher: rowOf(ids.teacher, teacher),
    student: rowOf(ids.student, student),
    agreement,
    studentVsTeacher: mcnemarExact(passed(student), passed(teacherPaired)),
  };
  if (report.teacher.n !== report.student.n) {
    throw new Error(`teacher scored ${report.teacher.n} case(s), student ${report.student.n}: not the same set`);
  }
  if (ids.base) {
    const base = of(ids.base);
    report.base = rowOf(ids.base, base);
    report.studentVsBase = mcnemarExact(passed(student), passed(paired(byHash(base), ids.base)));
  }
  return report;
}

/** The report as a Markdown table plus the paired tests. */
export function reportMarkdown(r: DistillationReport, labels: { teacher: string; student: string; base?: string }) {
  const row = (label: string, v: VariantRow) =>
    `| ${label} | ${v.n} | ${v.correct}/${v.n} = ${v.accuracy.toFixed(2)} | ${v.promptTokensPerRequest.toFixed(1)} | ` +
    `${v.completionTokensPerRequest.toFixed(1)} |`;
  const test = (m: McNemarResult) => `b=${m.b}, c=${m.c}, p=${m.pValue.toPrecision(3)}`;
  return [
    '| variant | cases | accuracy | prompt tokens / request | completion tokens / request |',
    '| --- | --- | --- | --- | --- |',
    row(labels.teacher, r.teacher),
    row(labels.student, r.student),
    ...(r.base && labels.base ? [row(labels.base, r.base)] : []),
    '',
    `Student agrees with the teacher on ${r.agreement}/${r.teacher.n} cases; McNemar student vs teacher ` +
      `${test(r.studentVsTeacher)}` +
      (r.studentVsBase ? `; student vs base zero-shot ${test(r.studentVsBase)}` : '') +
      '.',
  ].join('\n');
}

/** The example's three files, cut from the support-tickets-llm tickets by template (1-based template number). */
export interface DistillationData {
  /** Labelled examples the teacher's k-shot prompt draws from: the first ticket of templates 1-6 of each label. */
  pool: string[];
  /**
   * Unlabelled traffic the teacher answers: tickets 2 and 3 of templates 1-5 of each label (their references are kept
   * only to report the teacher's accuracy).
   */
  prompts: string[];
  /** The held-out set both are scored on: 3 tickets of templates 7 and 8 of each label, seen by neither. */
  heldOut: string[];
}

/** Cuts `tickets.jsonl` lines (file order) into the example's pool, prompts and held-out set. */
export function splitTickets(lines: readonly string[]): DistillationData {
  const seen = new Map<string, number>();
  const data: DistillationData = { pool: [], prompts: [], heldOut: [] };
  lines.forEach((raw, i) => {
    const template = (JSON.parse(raw) as ChatLine).metadata?.template;
    if (typeof template !== 'string') throw new Error(`tickets line ${i + 1}: metadata.template is missing`);
    const n = (seen.get(template) ?? 0) + 1;
    seen.set(template, n);
    const number = Number(template.split('-').pop());
    if (number <= 6 && n === 1) data.pool.push(raw);
    else if (number <= 5 && n <= 3) data.prompts.push(raw);
    else if (number >= 7 && n <= 3) data.heldOut.push(raw);
  });
  return data;
}
