import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { isListening } from '../../workers/freePort';

/** What a running `tailor dev` offers other commands: they attach to it instead of starting their own. */
export interface DevInfo {
  pid: number;
  temporalAddress: string;
  namespace: string;
  uiUrl?: string;
  openaiBaseURL?: string;
}

export function devInfoPath(): string {
  return path.join(tailorHome(), 'dev.json');
}

export function writeDevInfo(info: DevInfo): void {
  fs.mkdirSync(path.dirname(devInfoPath()), { recursive: true });
  const tmp = `${devInfoPath()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  fs.renameSync(tmp, devInfoPath());
}

export function removeDevInfo(pid = process.pid): void {
  const info = readDevInfoFile();
  if (info && info.pid === pid) fs.rmSync(devInfoPath(), { force: true });
}

function readDevInfoFile(): DevInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(devInfoPath(), 'utf8')) as DevInfo;
  } catch {
    return undefined;
  }
}

/** The running `tailor dev`, if its process is alive and its server answers; a stale file is ignored. */
export async function findRunningDev(): Promise<DevInfo | undefined> {
  const info = readDevInfoFile();
  if (!info) return undefined;
  try {
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  const [host, port] = info.temporalAddress.split(':');
  return (await isListening(Number(port), host)) ? info : undefined;
}
