/**
 * Step 2 of prompt distillation: the teacher's answers become the student's training set.
 *
 *   node bin/run-ts.js examples/prompt-distillation/teacherSet.ts teacher.json [OUT]
 *
 * `teacher.json` is what `tailor eval examples/prompt-distillation/teacher.yaml --json` printed. Writes OUT (default
 * data/teacher-answers.jsonl): each line of data/prompts.jsonl with the teacher's answer in place of its reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { teacherTrainingSet, type ChatLine } from './distillation';
import { caseResultsOf, runScript } from './evalResults';

runScript(async () => {
  const usage = 'node bin/run-ts.js examples/prompt-distillation/teacherSet.ts TEACHER_EVAL.json [OUT]';
  const cases = (await caseResultsOf(process.argv[2], usage)).filter((c) => c.variantId === 'teacher');
  const prompts = fs
    .readFileSync(path.join(__dirname, 'data', 'prompts.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ChatLine);
  const set = teacherTrainingSet(prompts, cases);
  const out = process.argv[3] ?? path.join(__dirname, 'data', 'teacher-answers.jsonl');
  fs.writeFileSync(out, set.jsonl);
  console.log(
    `${path.relative(process.cwd(), out)}: ${set.kept} teacher answers (${set.dropped} prompts without one); ` +
      `${set.matchingReference} equal the prompt's reference`,
  );
});
