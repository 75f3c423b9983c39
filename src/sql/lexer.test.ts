import { describe, expect, it } from 'vitest';
import { SERVER_VERSION } from '../aggregator/admin/variables.js';
import {
  MYSQL_COMMENT_VERSION, TESSERA_COMMENT_VERSION, cacheKeyOf, invalidNameError, runsVersionComment, tokenize, type Token,
} from './lexer.js';

function kinds(sql: string): string[] {
  return tokenize(sql).map((t) => (t.kind === 'lit' ? 'lit:' + t.lit!.type : t.kind + ':' + (t.kind === 'word' ? t.text : t.text)));
}

function lit(sql: string): Token['lit'] {
  const toks = tokenize(sql);
  expect(toks).toHaveLength(1);
  return toks[0]!.lit;
}

describe('comments', () => {
  it('skips -- only when a space or control char follows', () => {
    expect(kinds('1 -- c\n2')).toEqual(['lit:int', 'lit:int']);
    expect(kinds('1 --\tc\n2')).toEqual(['lit:int', 'lit:int']);
    expect(kinds('1 --')).toEqual(['lit:int']);
    expect(kinds('1 --2')).toEqual(['lit:int', 'op:-', 'op:-', 'lit:int']);
  });
  it('skips # and /* */ comments and /*+ hints */', () => {
    expect(kinds('1 # x\n2 /* y\n z */ 3 /*+ NO_INDEX(t) */')).toEqual(['lit:int', 'lit:int', 'lit:int']);
  });
  it('reads /*! */ and /*!NNNNN */ content as SQL', () => {
    expect(kinds('a /*! b */ c')).toEqual(['word:a', 'word:b', 'word:c']);
    expect(kinds('a /*!50100 b */ c')).toEqual(['word:a', 'word:b', 'word:c']);
    expect(kinds('t /*! ENGINE = innodb */')).toEqual(['word:t', 'word:ENGINE', 'op:=', 'word:innodb']);
  });
  it('reports an unterminated comment as a bad token', () => {
    expect(tokenize('1 /* x').map((t) => t.kind)).toEqual(['lit', 'bad']);
    expect(tokenize('1 /*!99999 x').map((t) => t.kind)).toEqual(['lit', 'bad']);
  });
  it('runs a version comment only up to our version (SELECT 1 /*!99999 + 1 */ is 1)', () => {
    expect(kinds('1 /*!99999 + 1 */')).toEqual(['lit:int']);
    expect(kinds('1 /*!80033 + 1 */')).toEqual(['lit:int']);
    expect(kinds('1 /*!80032 + 1 */')).toEqual(['lit:int', 'op:+', 'lit:int']);
    expect(kinds('1 /*!40101 + 1 */')).toEqual(['lit:int', 'op:+', 'lit:int']);
    expect(kinds('1 /*!+ 1 */')).toEqual(['lit:int', 'op:+', 'lit:int']);
    // a skipped comment ends at the first */, strings and all, as in MySQL
    expect(kinds("1 /*!99999 'x */ , 2")).toEqual(['lit:int', 'op:,', 'lit:int']);
  });
  it("reads five digits as the version, six when whitespace follows (MySQL 8.1's 10.x form)", () => {
    expect(kinds('1 /*!100000 + 1 */')).toEqual(['lit:int']);
    // 10000 then the content '01': fewer than five digits are no version at all
    expect(kinds('1 /*!1000001*/')).toEqual(['lit:int', 'lit:int']);
    expect(kinds('1 /*!4000 */')).toEqual(['lit:int', 'lit:int']);
  });
  it('runs the SingleStore range up to TESSERA_COMMENT_VERSION (MySQL skips it)', () => {
    expect(TESSERA_COMMENT_VERSION).toBe(90899);
    expect(kinds('t /*!90621 SHARD KEY (a) */')).toEqual(['word:t', 'word:SHARD', 'word:KEY', 'op:(', 'word:a', 'op:)']);
    expect(kinds('t /*!90899 x */')).toEqual(['word:t', 'word:x']);
    expect(kinds('t /*!90900 x */')).toEqual(['word:t']);
    expect(kinds('t /*!89999 x */')).toEqual(['word:t']);
    expect([89999, 90000, 90899, 90900].map(runsVersionComment)).toEqual([false, true, true, false]);
  });
  it("treats MariaDB's /*M! */ and optimizer hints as comments", () => {
    expect(kinds('1 /*M!100000 + 1 */')).toEqual(['lit:int']);
    expect(kinds('1 /*M! + 1 */')).toEqual(['lit:int']);
    expect(kinds('SELECT /*+ MAX_EXECUTION_TIME(1) */ 1')).toEqual(['word:SELECT', 'lit:int']);
  });
  it('knows the version SERVER_VERSION announces', () => {
    const [major, minor, patch] = SERVER_VERSION.split('-')[0]!.split('.').map(Number);
    expect(MYSQL_COMMENT_VERSION).toBe(major! * 10000 + minor! * 100 + patch!);
  });
});

describe('names and bytes that are not UTF-8 (escapes U+DC80..U+DCFF, common/charset.ts)', () => {
  it('ends an unquoted name at such a byte, but not at the low half of a character like 💀', () => {
    expect(tokenize('ab\udcffc').map((t) => t.kind + ':' + t.text)).toEqual(['word:ab', 'op:\udcff', 'word:c']);
    expect(kinds('t\u{1f480}x')).toEqual(['word:t\u{1f480}x']);
  });
  it('reports a quoted name holding one as 1300', () => {
    const toks = tokenize('SELECT `a\udcffb`');
    expect(toks[1]!.kind).toBe('bad');
    expect(invalidNameError(toks[1]!)).toMatchObject({ errno: 1300, message: "Invalid utf8mb4 character string: 'a\\xFFb'" });
    expect(invalidNameError(tokenize("'x")[0]!)).toBeNull();
  });
  it('keeps them in string literals', () => {
    expect(lit("'a\udcffb'")).toEqual({ type: 'string', value: 'a\udcffb' });
  });
});

describe('strings', () => {
  it('decodes MySQL escapes; \\% and \\_ keep their backslash', () => {
    expect(lit("'a\\0b\\'c\\\"d\\be\\nf\\rg\\th\\Zi\\\\j\\%k\\_l\\qm'")).toEqual({
      type: 'string', value: 'a\0b\'c"d\be\nf\rg\th\x1ai\\j\\%k\\_lqm',
    });
  });
  it('reads doubled quotes and double-quoted strings', () => {
    expect(lit("'it''s'")).toEqual({ type: 'string', value: "it's" });
    expect(lit('"say ""hi"""')).toEqual({ type: 'string', value: 'say "hi"' });
    expect(lit('"it\'s"')).toEqual({ type: 'string', value: "it's" });
  });
  it('concatenates adjacent strings into one literal', () => {
    expect(lit("'a' 'b'\n\"c\"")).toEqual({ type: 'string', value: 'abc' });
  });
  it('reads charset introducers and N', () => {
    expect(lit("_utf8mb4'x'")).toEqual({ type: 'string', value: 'x', charset: 'utf8mb4' });
    expect(lit("_binary 'x'")).toEqual({ type: 'string', value: 'x', charset: 'binary' });
    expect(lit("N'x'")).toEqual({ type: 'string', value: 'x', charset: 'utf8mb3' });
    // not a charset: an identifier followed by a string
    expect(kinds("_foo'x'")).toEqual(['word:_foo', 'lit:string']);
  });
  it('reads DATE/TIME/TIMESTAMP literals', () => {
    expect(lit("DATE '2020-01-02'")).toEqual({ type: 'temporal', temporal: 'date', text: '2020-01-02' });
    expect(lit("timestamp'2020-01-02 03:04:05'")).toEqual({ type: 'temporal', temporal: 'timestamp', text: '2020-01-02 03:04:05' });
    expect(kinds("t.date 'x'")).toEqual(['word:t', 'op:.', 'word:date', 'lit:string']);
  });
  it('reports an unterminated string as a bad token', () => {
    expect(tokenize("SELECT 'abc").map((t) => t.kind)).toEqual(['word', 'bad']);
  });
});

describe('numbers', () => {
  it('tells int, decimal and double apart', () => {
    expect(lit('42')).toEqual({ type: 'int', text: '42' });
    expect(lit('1.5')).toEqual({ type: 'decimal', text: '1.5' });
    expect(lit('.5')).toEqual({ type: 'decimal', text: '.5' });
    expect(lit('1.')).toEqual({ type: 'decimal', text: '1.' });
    expect(lit('1e3')).toEqual({ type: 'double', text: '1e3' });
    expect(lit('1.5E-3')).toEqual({ type: 'double', text: '1.5E-3' });
    expect(lit('99999999999999999999999')).toEqual({ type: 'int', text: '99999999999999999999999' });
  });
  it('reads hex and bit literals in both forms', () => {
    expect(lit("X'0aFF'")).toEqual({ type: 'hex', hex: '0aFF' });
    expect(lit("x''")).toEqual({ type: 'hex', hex: '' });
    expect(lit('0x1F')).toEqual({ type: 'hex', hex: '1F' });
    expect(lit("b'0101'")).toEqual({ type: 'bit', bits: '0101' });
    expect(lit('0b11')).toEqual({ type: 'bit', bits: '11' });
  });
  it('reads digits followed by letters as an identifier', () => {
    expect(kinds('1abc 0xZZ 0b12')).toEqual(['word:1abc', 'word:0xZZ', 'word:0b12']);
  });
  it('does not read t.5 as a decimal', () => {
    expect(kinds('t.5')).toEqual(['word:t', 'op:.', 'lit:int']);
  });
});

describe('identifiers, variables and operators', () => {
  it('reads backquoted identifiers with `` escapes and unicode names', () => {
    const toks = tokenize('`a``b` `select` café $x _y');
    expect(toks.map((t) => t.text)).toEqual(['a`b', 'select', 'café', '$x', '_y']);
    expect(toks[0]!.kind).toBe('qident');
  });
  it('reads user and system variables', () => {
    const toks = tokenize("@a @'q v' @`b` @@x @@session.y @@GLOBAL.z @@local.w");
    expect(toks.map((t) => [t.kind, t.text, t.scope])).toEqual([
      ['uvar', 'a', ''], ['uvar', 'q v', 'quoted'], ['uvar', 'b', 'quoted'], ['svar', 'x', 'default'],
      ['svar', 'y', 'session'], ['svar', 'z', 'global'], ['svar', 'w', 'session'],
    ]);
  });
  it('reads multi-char operators longest first', () => {
    expect(tokenize('<=> := || && ! << >> -> ->> <= >= <> != ?').map((t) => t.text)).toEqual([
      '<=>', ':=', '||', '&&', '!', '<<', '>>', '->', '->>', '<=', '>=', '<>', '!=', '?',
    ]);
  });
  it('records offsets and lines', () => {
    const toks = tokenize('SELECT\n  a,\n\n  b');
    expect(toks.map((t) => [t.start, t.line])).toEqual([[0, 1], [9, 2], [10, 2], [15, 4]]);
  });
});

describe('slots and cache keys', () => {
  it('numbers literal tokens per statement', () => {
    const toks = tokenize("SELECT 1, 'a', NULL, X'0F'; SELECT 2");
    expect(toks.filter((t) => t.kind === 'lit').map((t) => t.slot)).toEqual([0, 1, 2, 0]);
  });
  it('replaces literals by markers, upper-cases reserved words, keeps identifiers', () => {
    const toks = tokenize("select Status, `x y` from T where a=1.5 and b='s' or c=0x1 and d=? and e=@v and f=@@session.g");
    expect(cacheKeyOf(toks, 0, toks.length)).toBe(
      'SELECT Status , `x y` FROM T WHERE a = @ AND b = ^ OR c = # AND d = ? AND e = @v AND f = @@session.g',
    );
  });
  it('keeps introducers and temporal kinds in the key', () => {
    const toks = tokenize("SELECT a FROM t WHERE b = _binary'a' AND c = DATE '2020-01-01' AND d = 'b'");
    expect(cacheKeyOf(toks, 0, toks.length)).toBe('SELECT a FROM t WHERE b = _binary^ AND c = DATE^ AND d = ^');
  });
  it('keeps the values that name columns or shape types', () => {
    const key = (sql: string): string => {
      const toks = tokenize(sql);
      return cacheKeyOf(toks, 0, toks.length);
    };
    // select lists name the result columns by their text
    expect(key("SELECT 1, 'a', x + 2 FROM t WHERE y = 3")).toBe("SELECT 1 , 'a' , x + 2 FROM t WHERE y = @");
    expect(key('SELECT (SELECT 5 FROM u WHERE v = 6) FROM t WHERE y = 3')).toBe('SELECT ( SELECT 5 FROM u WHERE v = 6 ) FROM t WHERE y = @');
    expect(key('SELECT * FROM (SELECT 1 AS x) d WHERE x = 1')).toBe('SELECT * FROM ( SELECT 1 AS x ) d WHERE x = @');
    // aliases, separators, charsets and CAST lengths are names, not values
    expect(key("SELECT a FROM t WHERE CAST(b AS DECIMAL(10, 2)) = 'x' AND CONVERT(c USING 'latin1') = 'y'")).toBe(
      "SELECT a FROM t WHERE CAST ( b AS DECIMAL ( 10 , 2 ) ) = ^ AND CONVERT ( c USING 'latin1' ) = ^",
    );
    expect(key("INSERT INTO t SELECT a 'x' FROM u")).toBe("INSERT INTO t SELECT a 'x' FROM u");
    // statements other than DML keep every value
    expect(key('SET autocommit = 1')).toBe('SET autocommit = 1');
    expect(key("SHOW VARIABLES LIKE 'sql_mode'")).toBe("SHOW VARIABLES LIKE 'sql_mode'");
  });
});
