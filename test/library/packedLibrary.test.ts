import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from '../../stores/registry/registryDb';

/**
 * Tailor as an application installs it: `npm pack` (prepack builds dist/), the tarball installed into a scratch
 * project outside the repository, then `resolveModel` from CommonJS, from an ES module and from TypeScript.
 */
const ROOT = path.join(__dirname, '..', '..');
const MODEL = 'ft:gpt-4o-mini-2024-07-18:tailor-local:support:lib1';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PRINT = "console.log(resolveModel('support-tickets@prod'));\n";
const KEEP_NPM_VARS = new Set(['cache', 'registry', 'userconfig', 'globalconfig'].map((k) => `npm_config_${k}`));

/** The caller's npm settings that matter (cache, registry, config files), none of those an outer `npm test` sets. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = (k: string) => k !== 'INIT_CWD' && (!/^npm_/i.test(k) || KEEP_NPM_VARS.has(k));
  const own = Object.entries(process.env).filter(([k]) => keep(k));
  return { ...Object.fromEntries(own), ...extra };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/**
 * better-sqlite3 installs by downloading a prebuilt binary (prebuild-install) or, offline, compiling SQLite for
 * minutes. Its documented local-prebuilds directory gets the binary this checkout already has (same Node ABI and
 * platform), so the scratch install needs neither the network nor a compiler.
 */
function localPrebuilds(dir: string): Record<string, string> {
  const pkgDir = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const abi = process.versions.modules;
  const name = `better-sqlite3-v${version}-node-v${abi}-${process.platform}-${process.arch}.tar.gz`;
  fs.mkdirSync(dir, { recursive: true });
  run('tar', ['czf', path.join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node'], ROOT);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

describe('the packed library in a project of its own', () => {
  let tmp: string;
  let app: string;
  let home: string;
  let installLog = '';

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-lib-'));
    app = path.join(tmp, 'app');
    home = path.join(tmp, 'tailor-home');
    const packDir = path.join(tmp, 'pack');
    fs.mkdirSync(app);
    fs.mkdirSync(packDir);
    run('npm', ['pack', '--pack-destination', packDir], ROOT);
    const tarball = fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball in ${packDir}`);
    const appPkg = { name: 'scratch-app', version: '1.0.0', private: true };
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(appPkg));
    const args = ['install', path.join(packDir, tarball), '--prefer-offline', '--no-audit', '--no-fund'];
    args.push('--foreground-scripts'); // lifecycle output in the log, to show Tailor's postinstall stays quiet
    const installed = run('npm', args, app, cleanEnv(localPrebuilds(path.join(tmp, 'prebuilds'))));
    installLog = installed.stdout + installed.stderr;

    const registry = new Registry(path.join(home, 'registry.db'));
    try {
      const move = { pipeline: 'support-tickets', alias: 'prod', toModel: MODEL, who: 'test', why: 'lib', runId: null };
      registry.moveAlias(move);
    } finally {
      registry.close();
    }
  }, 900_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function node(file: string, source: string): SpawnSyncReturns<string> {
    fs.writeFileSync(path.join(app, file), source);
    return spawnSync(process.execPath, [file], { cwd: app, env: cleanEnv({ TAILOR_HOME: home }), encoding: 'utf8' });
  }

  it('installs without fetching the development tools (no Temporal CLI, no Python venvs)', () => {
    const pkg = path.join(app, 'node_modules', 'tailor');
    expect(fs.existsSync(path.join(pkg, 'dist', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, '.tools'))).toBe(false);
    expect(installLog).not.toMatch(/tailor: (installed|could not)/);
  });

  it('resolves a model from CommonJS (require)', () => {
    const r = node('app.cjs', "const { resolveModel } = require('tailor');\n" + PRINT);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(MODEL);
  });

  it('resolves a model from an ES module (import)', () => {
    const r = node('app.mjs', "import { resolveModel } from 'tailor';\n" + PRINT);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(MODEL);
  });

  it('names the alias that is not set', () => {
    const r = node('unset.cjs', "require('tailor').resolveModel('support-tickets@staging');\n");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('support-tickets@staging names no model');
  });

  it('type-checks TypeScript consumers (ES module and CommonJS) against the shipped .d.ts and rejects misuse', () => {
    const write = (file: string, lines: string[]) => fs.writeFileSync(path.join(app, file), lines.join('\n') + '\n');
    write('esm.mts', [
      "import { resolveModel, type PipelineSpec } from 'tailor';",
      "export const id: string = resolveModel('support-tickets@prod');",
      "export type Name = PipelineSpec['name'];",
    ]);
    write('cjs.cts', [
      "import tailor = require('tailor');",
      "export const id: string = tailor.resolveModel('support-tickets@prod', '/tmp/registry.db');",
    ]);
    // Types that say something: a number is not a model reference. One compiler run, no skipLibCheck (so the
    // shipped .d.ts files are checked too); the misuse must be its only error.
    write('wrong.mts', ["import { resolveModel } from 'tailor';", 'resolveModel(42);']);
    const strict = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const files = ['esm.mts', 'cjs.cts', 'wrong.mts'];
    const tsc = spawnSync(process.execPath, [TSC, ...strict, ...files], { cwd: app, encoding: 'utf8' });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([expect.stringMatching(/^wrong\.mts\(2,14\): error TS2345: Argument of type 'number'/)]);
    expect(tsc.status).toBe(2);
  });

  it('ships a CLI that starts', () => {
    const help = run(process.execPath, [path.join(app, 'node_modules', '.bin', 'tailor'), '--help'], app).stdout;
    expect(help).toContain('Usage: tailor COMMAND');
  });
});
