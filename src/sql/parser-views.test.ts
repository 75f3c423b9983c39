import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { parseOne } from './parser.js';

const st = (sql: string): Statement => parseOne(sql).statement;

describe('view statements', () => {
  it('reads CREATE [OR REPLACE] VIEW with every clause, keeping the SELECT text as written', () => {
    const s = st("CREATE OR REPLACE ALGORITHM = MERGE DEFINER = 'bob'@'localhost' SQL SECURITY INVOKER VIEW d.v (a, b) AS SELECT x,  y FROM t WHERE x = 'q;' WITH LOCAL CHECK OPTION");
    expect(s).toMatchObject({
      kind: 'createView',
      orReplace: true,
      spec: {
        view: { db: 'd', name: 'v' },
        algorithm: 'MERGE',
        definer: { kind: 'named', name: { user: 'bob', host: 'localhost' } },
        security: 'INVOKER',
        columns: ['a', 'b'],
        queryText: "SELECT x,  y FROM t WHERE x = 'q;'",
        checkOption: 'LOCAL',
      },
    });
    const plain = st('CREATE VIEW v AS SELECT 1 UNION SELECT 2 WITH CHECK OPTION');
    expect(plain).toMatchObject({ kind: 'createView', orReplace: false, spec: { view: { name: 'v' }, queryText: 'SELECT 1 UNION SELECT 2', checkOption: 'CASCADED' } });
    expect(st('CREATE DEFINER = CURRENT_USER VIEW v AS WITH c AS (SELECT 1) SELECT * FROM c')).toMatchObject({ spec: { definer: { kind: 'current' }, queryText: 'WITH c AS (SELECT 1) SELECT * FROM c' } });
  });

  it('reads ALTER VIEW, DROP VIEW and SHOW CREATE VIEW', () => {
    expect(st('ALTER SQL SECURITY DEFINER VIEW v AS SELECT 2')).toMatchObject({ kind: 'alterView', spec: { security: 'DEFINER', queryText: 'SELECT 2' } });
    expect(st('DROP VIEW IF EXISTS v1, d.v2 CASCADE')).toEqual({ kind: 'dropView', ifExists: true, views: [{ name: 'v1' }, { db: 'd', name: 'v2' }] });
    expect(st('SHOW CREATE VIEW d.v')).toEqual({ kind: 'showCreateView', view: { db: 'd', name: 'v' } });
  });

  it('refuses malformed view statements with a syntax error', () => {
    for (const sql of ['CREATE VIEW v SELECT 1', 'CREATE ALGORITHM = FAST VIEW v AS SELECT 1', 'CREATE SQL SECURITY NOBODY VIEW v AS SELECT 1', 'CREATE VIEW v AS SELECT 1 WITH CHECK', 'CREATE VIEW v AS INSERT INTO t VALUES (1)'])
      expect(() => parseOne(sql), sql).toThrow(expect.objectContaining({ errno: 1064 }));
  });
});
