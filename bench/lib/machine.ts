// The machine facts written with every --json result.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './targets.js';

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  mysql2: string;
  tesseraCommit: string;
  loadAverage: number[];
  date: string;
}

export function machineFacts(): MachineFacts {
  let commit = 'unknown';
  let mysql2 = 'unknown';
  try {
    const root = repoRoot();
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    mysql2 = (JSON.parse(readFileSync(path.join(root, 'node_modules', 'mysql2', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // not a git checkout, or mysql2 elsewhere
  }
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mysql2,
    tesseraCommit: commit,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}
