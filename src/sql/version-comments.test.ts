import { describe, expect, it } from 'vitest';
import { MYSQL_VERSION_ID, TESSERA_COMMENT_VERSION, runsVersionComment, tokenize } from './lexer.js';

function words(sql: string): string[] {
  return tokenize(sql).map((t) => (t.kind === 'lit' ? t.lit!.type : t.text));
}

describe('version comments /*!NNNNN … */', () => {
  it('run up to the MySQL version Tessera speaks and are skipped above it', () => {
    expect(words('a /*!40101 b */ c')).toEqual(['a', 'b', 'c']);
    expect(words(`a /*!${MYSQL_VERSION_ID} b */ c`)).toEqual(['a', 'b', 'c']);
    expect(words(`a /*!${MYSQL_VERSION_ID + 1} b */ c`)).toEqual(['a', 'c']);
    expect(words('SELECT 1 /*!99999 + 1 */')).toEqual(['SELECT', 'int']);
  });

  it("run in SingleStore's range up to TESSERA_COMMENT_VERSION, which MySQL skips", () => {
    expect(TESSERA_COMMENT_VERSION).toBe(90899);
    expect(words('a /*!90621 SHARD KEY (x) */ c')).toEqual(['a', 'SHARD', 'KEY', '(', 'x', ')', 'c']);
    expect(words('a /*!90000 b */ c')).toEqual(['a', 'b', 'c']);
    expect(words('a /*!90899 b */ c')).toEqual(['a', 'b', 'c']);
    expect(words('a /*!90900 b */ c')).toEqual(['a', 'c']);
    expect(words('a /*!89999 b */ c')).toEqual(['a', 'c']);
  });

  it('without a number always run; MariaDB-only /*M! … */ comments are skipped', () => {
    expect(words('a /*! b */ c')).toEqual(['a', 'b', 'c']);
    expect(runsVersionComment('')).toBe(true);
    expect(words('a /*M!100100 SET x = 1 */ c')).toEqual(['a', 'c']);
  });

  it('a skipped comment hides everything up to its end, and a comment after it still runs', () => {
    expect(words("x /*!99999 'it''s' ; y */ /*!40000 z */")).toEqual(['x', 'z']);
  });
});
