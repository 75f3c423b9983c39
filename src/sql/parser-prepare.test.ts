import { describe, expect, it } from 'vitest';
import type { SqlPreparedCommand } from './ast.js';
import { parseOne } from './parser.js';
import { printStatement } from './print.js';

function command(sql: string): SqlPreparedCommand {
  const st = parseOne(sql).statement;
  if (st.kind !== 'sqlPrepared') throw new Error(`not a prepared-statement command: ${st.kind}`);
  return st.command;
}

describe('PREPARE / EXECUTE / DEALLOCATE PREPARE', () => {
  it('parses each form', () => {
    expect(command("PREPARE s FROM 'SELECT ?'")).toEqual({ kind: 'prepare', name: 's', source: { kind: 'text', text: 'SELECT ?' } });
    expect(command('PREPARE `my stmt` FROM @q')).toEqual({ kind: 'prepare', name: 'my stmt', source: { kind: 'userVariable', name: 'q' } });
    expect(command('EXECUTE s')).toEqual({ kind: 'execute', name: 's', using: [] });
    expect(command('EXECUTE s USING @a, @b')).toEqual({ kind: 'execute', name: 's', using: ['a', 'b'] });
    expect(command('DEALLOCATE PREPARE s')).toEqual({ kind: 'deallocate', name: 's' });
    expect(command('DROP PREPARE s')).toEqual({ kind: 'deallocate', name: 's' });
  });

  it('refuses what MySQL 8 refuses: expressions after USING, a FROM that is not text or @var', () => {
    for (const sql of ['EXECUTE s USING 1', 'EXECUTE s USING @a,', 'PREPARE s FROM 1', 'PREPARE s', 'DEALLOCATE s']) {
      expect(() => parseOne(sql), sql).toThrow(/SQL syntax/);
    }
  });

  it('prints what parses back to the same command', () => {
    for (const sql of ["PREPARE s FROM 'SELECT ''x'', ?'", 'PREPARE s FROM @q', 'EXECUTE s USING @a, @b', 'DEALLOCATE PREPARE s']) {
      const st = parseOne(sql).statement;
      expect(parseOne(printStatement(st)).statement, sql).toEqual(st);
    }
  });
});
