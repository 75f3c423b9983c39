/**
 * Fault injection for tests of the disk-full path where a small filesystem cannot be mounted:
 * when TESSERA_FAULT_ENOSPC names a file and that file exists, every log write fails with ENOSPC
 * as a full disk would make it fail. Unset in normal runs (one env lookup at start).
 */
import { existsSync } from 'node:fs';

const flagFile = process.env['TESSERA_FAULT_ENOSPC'] ?? '';

export function checkFault(where: string): void {
  if (flagFile === '' || !existsSync(flagFile)) return;
  const err = new Error(`ENOSPC: no space left on device (injected by TESSERA_FAULT_ENOSPC), write '${where}'`) as NodeJS.ErrnoException;
  err.code = 'ENOSPC';
  throw err;
}
