import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from '../../stores/registry/registryDb';

const RUN_TS = path.join(__dirname, '..', '..', 'bin', 'run-ts.js');
const SCRIPT = path.join(__dirname, '..', 'fixtures', 'scripts', 'promoteMany.ts');

function promoteMany(file: string, label: string, n: number): Promise<number | null> {
  return new Promise((resolve) =>
    spawn(process.execPath, [RUN_TS, SCRIPT, file, label, String(n)], { stdio: 'inherit' }).on('exit', resolve),
  );
}

describe('registry under concurrent promotions from separate processes', () => {
  it('serialises every move: none lost, each one starts where the previous ended', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-reg-')), 'registry.db');
    new Registry(file).close(); // create the schema before the race
    const codes = await Promise.all([promoteMany(file, 'a', 60), promoteMany(file, 'b', 60)]);
    expect(codes).toEqual([0, 0]);
    const registry = new Registry(file);
    try {
      const moves = registry.aliasHistory('race', 'prod');
      expect(moves).toHaveLength(120);
      for (let i = 1; i < moves.length; i++) expect(moves[i]!.fromModel).toBe(moves[i - 1]!.toModel);
      expect(registry.resolveAlias('race', 'prod')).toBe(moves[moves.length - 1]!.toModel);
    } finally {
      registry.close();
    }
  });
});
