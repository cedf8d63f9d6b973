/**
 * Step 4 of prompt distillation: the teacher/student table from the comparison suite's case results.
 *
 *   node bin/run-ts.js examples/prompt-distillation/report.ts compare.json
 *
 * `compare.json` is what `tailor eval examples/prompt-distillation/compare.yaml --model STUDENT --json` printed.
 * Prints accuracy and prompt tokens per request for teacher, student and base zero-shot, computed from the cases.
 */
import { distillationReport, reportMarkdown } from './distillation';
import { caseResultsOf, runScript } from './evalResults';

const LABELS = {
  teacher: 'teacher: base, 3-shot',
  student: 'student: base + LoRA, zero-shot',
  base: 'base, zero-shot',
};

runScript(async () => {
  const usage = 'node bin/run-ts.js examples/prompt-distillation/report.ts COMPARE_EVAL.json';
  const cases = await caseResultsOf(process.argv[2], usage);
  const ids = { teacher: 'teacher', student: 'student', base: 'base-zero-shot' };
  console.log(reportMarkdown(distillationReport(cases, ids), LABELS));
});
