// Installs one pinned PyPI package into its own Python venv under .tools/, for the development checkout's tools.
// A venv (not `pip --target`) so pip resolves nothing against the machine's global site-packages. pip's output is
// kept and shown only when it fails; a success prints one line. The venv is built beside the target and swapped in
// whole, with a stamp naming the pin, so an interrupted install never leaves a half-built one that looks complete.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STAMP = '.tailor-pin';

/** The pin recorded in `venv`, or '' when it is missing or not a venv (an older `pip --target` layout). */
function installedPin(venv) {
  const stamp = path.join(venv, STAMP);
  if (!fs.existsSync(path.join(venv, 'pyvenv.cfg')) || !fs.existsSync(stamp)) return '';
  return fs.readFileSync(stamp, 'utf8').trim();
}

function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Creates `venv` with `pin` (e.g. 'openai==3.57.0') installed, unless it already holds that pin.
 * Returns { status: 'present' | 'installed' } or { status: 'failed', detail }.
 */
function ensureToolVenv({ venv, pin, pipArgs = [] }) {
  if (installedPin(venv) === pin) return { status: 'present' };
  const tmp = `${venv}.tmp-${process.pid}`;
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_ROOT_USER_ACTION: 'ignore' };
  let detail = 'no python3 or python on PATH';
  for (const py of ['python3', 'python']) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const made = spawnSync(py, ['-m', 'venv', tmp], { encoding: 'utf8', env });
    if (made.error) continue; // this interpreter name does not exist; try the next
    if (made.status !== 0) {
      const output = tail(made.stderr + made.stdout);
      detail = `${py} -m venv failed (on Debian/Ubuntu: apt-get install python3-venv):\n${output}`;
      continue;
    }
    const python = path.join(tmp, 'bin', 'python');
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', ...pipArgs, pin], { encoding: 'utf8', env });
    if (pip.status !== 0) {
      detail = `pip install ${pin} failed:\n${tail(pip.stderr + pip.stdout)}`;
      continue;
    }
    fs.writeFileSync(path.join(tmp, STAMP), pin + '\n');
    fs.rmSync(venv, { recursive: true, force: true });
    fs.renameSync(tmp, venv); // the venv's own python finds its site-packages from where it is, so a rename is safe
    return { status: 'installed' };
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return { status: 'failed', detail };
}

module.exports = { ensureToolVenv };
