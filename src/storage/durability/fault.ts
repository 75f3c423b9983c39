/**
 * Fault injection for tests of the log's failure paths where a real failing disk cannot be had.
 * Each variable names a flag file; while that file exists, every log write (only those of logs
 * whose directory contains the file's text, when it has any)
 *  - TESSERA_FAULT_ENOSPC: fails with ENOSPC, as a full disk makes it fail;
 *  - TESSERA_FAULT_EIO: fails with EIO, as a failed write or fsync of a dying disk does;
 *  - TESSERA_FAULT_STALL: does not return, as on a disk that stopped answering.
 * Unset in normal runs (env lookups once at start; a write then costs one string comparison each).
 */
import { existsSync, readFileSync } from 'node:fs';

const enospcFlag = process.env['TESSERA_FAULT_ENOSPC'] ?? '';
const eioFlag = process.env['TESSERA_FAULT_EIO'] ?? '';
const stallFlag = process.env['TESSERA_FAULT_STALL'] ?? '';

function injected(code: 'ENOSPC' | 'EIO', where: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  const err = new Error(`${code}: ${text} (injected by TESSERA_FAULT_${code}), write '${where}'`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

function flagged(flag: string, where: string): boolean {
  if (flag === '' || !existsSync(flag)) return false;
  const only = readFileSync(flag, 'utf8').trim();
  return only === '' || where.includes(only);
}

export function checkFault(where: string): void {
  if (flagged(enospcFlag, where)) throw injected('ENOSPC', where);
  if (flagged(eioFlag, where)) throw injected('EIO', where);
}

/** Waits while the stall flag exists (polling; a test removes it or never does). */
export async function stallIfFlagged(): Promise<void> {
  if (stallFlag === '') return;
  while (existsSync(stallFlag)) await new Promise((r) => setTimeout(r, 20));
}
