/**
 * The MySQL errors a client gets when the transaction log cannot be written: each says what the
 * client may assume about its change (rolled back, kept and retried, or in doubt).
 */
import { SqlError } from '../../common/errors.js';
import { isDiskFull, type RoundFailure } from './group-commit.js';

export function codeOf(e: Error): string {
  return (e as NodeJS.ErrnoException).code ?? 'I/O error';
}

/** What a commit whose round failed is told: what it may assume about its transaction. */
export function commitError(f: RoundFailure, inRound: boolean): SqlError {
  if (f.kind === 'full') {
    return new SqlError(
      'ER_DISK_FULL',
      `Disk full: the transaction log could not be written (${f.error.message}). The transaction was rolled back; nothing of it was written. ` +
        `Free space on the data directory's disk; commits succeed again once there is room.`,
    );
  }
  if (!inRound) {
    return new SqlError(
      'ER_ERROR_DURING_COMMIT',
      `Got error ${codeOf(f.error)} during COMMIT: an earlier transaction log write failed, so nothing more is written. ` +
        `The transaction was rolled back; nothing of it was written. The server refuses writes until it is restarted; check the data directory's disk.`,
    );
  }
  return new SqlError(
    'ER_ERROR_DURING_COMMIT',
    `Got error ${codeOf(f.error)} during COMMIT: the transaction log could not be written (${f.error.message}). Whether the commit reached the disk is unknown: ` +
      `it is not visible now, and after a restart it is either there in full or not at all. The server refuses writes until it is restarted; check the data directory's disk.`,
  );
}

/** A DDL record, a snapshot or an async commit whose log write failed (kept in memory and written again). */
export function keptError(e: Error): SqlError {
  if (isDiskFull(e)) {
    return new SqlError(
      'ER_DISK_FULL',
      `Disk full: the transaction log could not be written (${e.message}). The change is not confirmed; it is kept in memory and ` +
        `written once space is freed, but would be lost if the server stopped before that. Free space on the data directory's disk; writes resume on their own.`,
    );
  }
  return new SqlError(
    'ER_ERROR_ON_WRITE',
    `Error writing the transaction log (${codeOf(e)}: ${e.message}). The change is not confirmed; writes are refused until the log can be written again. Check the data directory's disk.`,
  );
}

export function readOnlyError(e: Error): SqlError {
  return new SqlError(
    'ER_OPTION_PREVENTS_STATEMENT',
    `The server is running read-only after a failed transaction log write (${codeOf(e)}: ${e.message}) so it cannot execute this statement; ` +
      `nothing of it was written. Restart the server once the data directory's disk is checked.`,
  );
}
