import { ErrorCodes, type ErrorCodeName } from './error-codes.js';

/**
 * An error the client sees as a MySQL ERR packet. The message speaks to the person running
 * the query: what went wrong and, where it helps, what to do.
 */
export class SqlError extends Error {
  readonly code: ErrorCodeName;
  readonly errno: number;
  readonly sqlState: string;
  /** Network and replication errors say whether trying again can help. */
  readonly retryable: boolean;

  constructor(code: ErrorCodeName, message: string, opts: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'SqlError';
    this.code = code;
    this.errno = ErrorCodes[code].errno;
    this.sqlState = ErrorCodes[code].sqlState;
    this.retryable = opts.retryable ?? false;
  }
}

export class ParseError extends SqlError {
  constructor(message: string) {
    super('ER_PARSE', message);
    this.name = 'ParseError';
  }
}

export class UnsupportedError extends SqlError {
  constructor(what: string) {
    super('ER_NOT_SUPPORTED_YET', `This version of Tessera doesn't yet support '${what}'`);
    this.name = 'UnsupportedError';
  }
}

export class TxnConflictError extends SqlError {
  constructor(code: 'ER_LOCK_WAIT_TIMEOUT' | 'ER_LOCK_DEADLOCK') {
    super(
      code,
      code === 'ER_LOCK_DEADLOCK'
        ? 'Deadlock found when trying to get lock; try restarting transaction'
        : 'Lock wait timeout exceeded; try restarting transaction',
      { retryable: true },
    );
    this.name = 'TxnConflictError';
  }
}

/** Builds the SqlError for a code with a message. */
export function sqlError(code: ErrorCodeName, message: string): SqlError {
  return new SqlError(code, message);
}

export function isSqlError(e: unknown): e is SqlError {
  return e instanceof SqlError;
}
