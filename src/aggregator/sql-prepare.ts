/**
 * Prepared statements named in SQL: PREPARE name FROM {'text' | @var}, EXECUTE name [USING @a,
 * …], DEALLOCATE PREPARE name. Each is a binary-protocol prepared statement under a name (the
 * session's prepare and execute), so both share one set of checks, one statement limit
 * (max_prepared_stmt_count) and one plan cache. EXECUTE binds each user variable's value with
 * its type, as MySQL does: an integer @var binds as an integer, an unset one as NULL.
 */
import type * as A from '../sql/ast.js';
import { SqlError } from '../common/errors.js';
import { assertNever } from '../common/assert.js';
import type { SqlType } from '../common/types.js';
import type { Value } from '../common/value.js';
import type { StatementResult } from './mysql/session-api.js';
import { ok, type Params } from './statement-results.js';

/** What the session offers the named statements: its prepared statements by id and its user variables. */
export interface PreparedStatementHost {
  /** Prepares text as COM_STMT_PREPARE does (1295 for what cannot be prepared); returns its id and `?` count. */
  prepare(sql: string): Promise<{ readonly statementId: number; readonly paramCount: number }>;
  closeStatement(statementId: number): void;
  /** Runs a prepared statement with values bound (privileges checked now, as for the statement itself). */
  executePrepared(statementId: number, params: Params): Promise<StatementResult>;
  userVariable(name: string): { readonly value: Value; readonly type: SqlType } | undefined;
}

interface Named {
  readonly statementId: number;
  readonly paramCount: number;
}

const NULL_TYPE: SqlType = { kind: 'null' };

/** One connection's named prepared statements; names are not case-sensitive, as in MySQL. */
export class NamedStatements {
  private readonly byName = new Map<string, Named>();

  /** Forgets every name (the statements themselves go with the session's). */
  clear(): void {
    this.byName.clear();
  }

  async run(host: PreparedStatementHost, command: A.SqlPreparedCommand): Promise<StatementResult> {
    const key = command.name.toLowerCase();
    switch (command.kind) {
      case 'prepare': {
        const text = command.source.kind === 'text' ? command.source.text : variableText(host.userVariable(command.source.name.toLowerCase())?.value ?? null);
        // The old statement goes first: if the new one fails, neither is left (MySQL's rule).
        this.drop(host, key);
        const info = await host.prepare(text);
        this.byName.set(key, { statementId: info.statementId, paramCount: info.paramCount });
        return ok(0, { info: 'Statement prepared' });
      }
      case 'execute': {
        const named = this.byName.get(key);
        if (!named) throw unknownName(command.name, 'EXECUTE');
        if (command.using.length !== named.paramCount) throw new SqlError('ER_WRONG_ARGUMENTS', 'Incorrect arguments to EXECUTE');
        const values: Value[] = [];
        const types: SqlType[] = [];
        for (const name of command.using) {
          const v = host.userVariable(name.toLowerCase());
          values.push(v?.value ?? null);
          types.push(v === undefined || v.value === null ? NULL_TYPE : v.type);
        }
        return host.executePrepared(named.statementId, { values, types });
      }
      case 'deallocate':
        if (!this.drop(host, key)) throw unknownName(command.name, 'DEALLOCATE PREPARE');
        return ok(0);
      default:
        return assertNever(command, 'prepared-statement command');
    }
  }

  private drop(host: PreparedStatementHost, key: string): boolean {
    const named = this.byName.get(key);
    if (!named) return false;
    this.byName.delete(key);
    host.closeStatement(named.statementId);
    return true;
  }
}

function unknownName(name: string, where: string): SqlError {
  return new SqlError('ER_UNKNOWN_STMT_HANDLER', `Unknown prepared statement handler (${name}) given to ${where}`);
}

/** PREPARE … FROM @var reads the variable as text; NULL reads as the word NULL (a syntax error, as in MySQL). */
function variableText(v: Value): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}
