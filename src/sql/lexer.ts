/**
 * The MySQL lexer: one pass over char codes, producing the tokens of the whole COM_QUERY text.
 * Literal tokens carry their decoded Literal and their slot (index among the literal tokens of
 * their statement; the count restarts after each `;`), so parse() and fingerprint() share them.
 */
import type { Literal } from './ast.js';
import { assertNever } from '../common/assert.js';
import { isWellFormed, printable } from '../common/charset.js';
import { SqlError } from '../common/errors.js';
import { INTRODUCER_CHARSETS, RESERVED } from './keywords.js';

export type TokenKind =
  /** An unquoted word: keyword or identifier; `up` holds it upper-cased. */
  | 'word'
  /** A `backquoted` identifier, unescaped. */
  | 'qident'
  /** Number, string, hex, bit or temporal literal; see `lit`. */
  | 'lit'
  | 'param'
  /** @name or @'name' */
  | 'uvar'
  /** @@name, @@session.name, @@global.name */
  | 'svar'
  | 'op'
  /** Something the lexer can't read (unterminated string or comment); the parser reports it. */
  | 'bad'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** 1-based line of `start` in the whole text. */
  readonly line: number;
  /** word: as written; qident/uvar/svar: the name; op: the operator. */
  readonly text: string;
  /** word: upper-cased; op: the operator; otherwise ''. */
  readonly up: string;
  readonly lit: Literal | null;
  readonly slot: number;
  /** svar scope; uvar written quoted. */
  readonly scope: 'session' | 'global' | 'default' | 'quoted' | '';
}

const C_NL = 10;
const C_SPACE = 32;
const C_BANG = 33;
const C_DQUOTE = 34;
const C_HASH = 35;
const C_DOLLAR = 36;
const C_SQUOTE = 39;
const C_STAR = 42;
const C_PLUS = 43;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_0 = 48;
const C_9 = 57;
const C_AT = 64;
const C_BACKSLASH = 92;
const C_UNDERSCORE = 95;
const C_BACKTICK = 96;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** Letters, digits, `_`, `$` and anything outside ASCII (MySQL allows unicode letters). */
export function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= C_0 && c <= C_9) || c === C_UNDERSCORE ||
    c === C_DOLLAR || c >= 128
  );
}

/** The escape of a byte that was not UTF-8 (common/charset.ts), unless it is the low half of a pair. */
function isRawByte(c: number): boolean {
  return c >= 0xdc80 && c <= 0xdcff;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Whether src[j] continues a name: an identifier character that is not a byte which was not UTF-8. */
function continuesName(src: string, j: number): boolean {
  const c = src.charCodeAt(j);
  return isIdentChar(c) && !(isRawByte(c) && !isHighSurrogate(src.charCodeAt(j - 1)));
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

const ESCAPES: Record<string, string> = {
  '0': '\0', "'": "'", '"': '"', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a', '\\': '\\',
  // \% and \_ keep their backslash so LIKE still sees an escaped wildcard.
  '%': '\\%', _: '\\_',
};

/** Interned one-char operator strings, indexed by char code. */
const OP1: (string | undefined)[] = [];
for (const ch of '()[]{},;.=<>+-*/%^&|~!:@') OP1[ch.charCodeAt(0)] = ch;

function tok(
  kind: TokenKind, start: number, end: number, line: number, text: string, up: string,
  lit: Literal | null = null, slot = -1, scope: Token['scope'] = '',
): Token {
  return { kind, start, end, line, text, up, lit, slot, scope };
}

/** Splits the whole text into tokens. Never throws: unreadable input becomes a 'bad' token. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  let i = 0;
  let line = 1;
  let linePos = 0;
  let slot = 0;
  let inExec = false;

  const lineAt = (pos: number): number => {
    for (; linePos < pos; linePos++) if (src.charCodeAt(linePos) === C_NL) line++;
    return line;
  };

  const pushLit = (start: number, end: number, lit: Literal): void => {
    out.push(tok('lit', start, end, lineAt(start), '', '', lit, slot++));
  };

  /** Reads a quoted string body starting after the opening quote; returns [value, end] or null. */
  const readQuoted = (q: number, from: number, escapes: boolean): [string, number] | null => {
    let j = from;
    let seg = from;
    let val = '';
    while (j < n) {
      const c = src.charCodeAt(j);
      if (c === C_BACKSLASH && escapes && j + 1 < n) {
        val += src.slice(seg, j);
        const e = src[j + 1]!;
        val += ESCAPES[e] ?? e;
        j += 2;
        seg = j;
      } else if (c === q) {
        if (src.charCodeAt(j + 1) === q) {
          val += src.slice(seg, j + 1);
          j += 2;
          seg = j;
        } else {
          return [val + src.slice(seg, j), j + 1];
        }
      } else {
        j++;
      }
    }
    return null;
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    // whitespace
    if (c <= C_SPACE) {
      i++;
      continue;
    }
    // comments
    if (c === C_HASH) {
      while (i < n && src.charCodeAt(i) !== C_NL) i++;
      continue;
    }
    if (c === C_MINUS && src.charCodeAt(i + 1) === C_MINUS && (i + 2 >= n || src.charCodeAt(i + 2) <= C_SPACE)) {
      while (i < n && src.charCodeAt(i) !== C_NL) i++;
      continue;
    }
    if (c === C_SLASH && src.charCodeAt(i + 1) === C_STAR) {
      if (src.charCodeAt(i + 2) === C_BANG && !inExec) {
        // executable comment: its content is SQL when its version, if any, is one we run
        const v = commentVersionAt(src, i + 3);
        if (v === null || runsVersionComment(v.version)) {
          i = v === null ? i + 3 : v.end;
          inExec = true;
          continue;
        }
      }
      // a plain comment, a version comment for a version we are not (/*!99999 … */), MariaDB's
      // /*M!… */ (we are MySQL 8.0), an optimizer hint /*+ … */: none of it is SQL to run
      const close = src.indexOf('*/', i + 2);
      if (close < 0) {
        out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
        i = n;
        break;
      }
      i = close + 2;
      continue;
    }
    if (inExec && c === C_STAR && src.charCodeAt(i + 1) === C_SLASH) {
      inExec = false;
      i += 2;
      continue;
    }
    const start = i;
    // words, and numbers that turn out to be identifiers (1abc)
    if (isIdentChar(c) && !isDigit(c) && !isRawByte(c)) {
      // x'…', b'…', n'…' literals
      const c1 = src.charCodeAt(i + 1);
      if (c1 === C_SQUOTE && (c === 120 || c === 88 || c === 98 || c === 66)) {
        const close = src.indexOf("'", i + 2);
        if (close < 0) {
          out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
          break;
        }
        const body = src.slice(i + 2, close);
        i = close + 1;
        pushLit(start, i, c === 120 || c === 88 ? { type: 'hex', hex: body } : { type: 'bit', bits: body });
        continue;
      }
      if (c1 === C_SQUOTE && (c === 110 || c === 78)) {
        const r = readQuoted(C_SQUOTE, i + 2, true);
        if (!r) {
          out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
          break;
        }
        i = r[1];
        pushLit(start, i, { type: 'string', value: r[0], charset: 'utf8mb3' });
        continue;
      }
      i++;
      // a byte that is not UTF-8 (common/charset.ts) ends a name, as MySQL's lexer stops there
      while (i < n && continuesName(src, i)) i++;
      const text = src.slice(start, i);
      out.push(tok('word', start, i, lineAt(start), text, text.toUpperCase()));
      continue;
    }
    if (isDigit(c) || (c === C_DOT && isDigit(src.charCodeAt(i + 1)) && !afterName(out, i))) {
      const c1 = src.charCodeAt(i + 1);
      if (c === C_0 && (c1 === 120 || c1 === 98)) {
        // 0x1F / 0b101, unless more identifier characters follow (then it's a name)
        let j = i + 2;
        const hex = c1 === 120;
        while (j < n && (hex ? isHexDigit(src.charCodeAt(j)) : src.charCodeAt(j) === C_0 || src.charCodeAt(j) === 49)) j++;
        if (j > i + 2 && !continuesName(src, j)) {
          const body = src.slice(i + 2, j);
          i = j;
          pushLit(start, i, hex ? { type: 'hex', hex: body } : { type: 'bit', bits: body });
          continue;
        }
      }
      let j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      let kind: 'int' | 'decimal' | 'double' = 'int';
      if (src.charCodeAt(j) === C_DOT) {
        kind = 'decimal';
        j++;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      const e = src.charCodeAt(j);
      if (e === 101 || e === 69) {
        const s = src.charCodeAt(j + 1);
        const k = s === C_PLUS || s === C_MINUS ? j + 2 : j + 1;
        if (isDigit(src.charCodeAt(k))) {
          j = k;
          while (j < n && isDigit(src.charCodeAt(j))) j++;
          kind = 'double';
        }
      }
      if (continuesName(src, j) && kind !== 'decimal') {
        // digits followed by letters: an identifier such as 1abc
        while (j < n && continuesName(src, j)) j++;
        const text = src.slice(start, j);
        i = j;
        out.push(tok('word', start, i, lineAt(start), text, text.toUpperCase()));
        continue;
      }
      const text = src.slice(start, j);
      i = j;
      pushLit(start, i, { type: kind, text });
      continue;
    }
    if (c === C_SQUOTE || c === C_DQUOTE) {
      const r = readQuoted(c, i + 1, true);
      if (!r) {
        out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
        break;
      }
      i = r[1];
      const prev = out.length > 0 ? out[out.length - 1]! : null;
      if (prev && prev.kind === 'lit' && prev.lit!.type === 'string') {
        // 'a' 'b' is one literal 'ab'
        const pl = prev.lit!;
        const lit: Literal = pl.charset ? { type: 'string', value: pl.value + r[0], charset: pl.charset } : { type: 'string', value: pl.value + r[0] };
        out[out.length - 1] = tok('lit', prev.start, i, prev.line, '', '', lit, prev.slot);
        continue;
      }
      if (prev && prev.kind === 'word' && prev.end <= start && !afterDot(out, out.length - 1)) {
        const up = prev.up;
        if (up.charCodeAt(0) === C_UNDERSCORE && INTRODUCER_CHARSETS.has(prev.text.slice(1).toLowerCase())) {
          out[out.length - 1] = tok('lit', prev.start, i, prev.line, '', '', { type: 'string', value: r[0], charset: prev.text.slice(1).toLowerCase() }, slot++);
          continue;
        }
        if (up === 'DATE' || up === 'TIME' || up === 'TIMESTAMP') {
          const temporal = up === 'DATE' ? 'date' : up === 'TIME' ? 'time' : 'timestamp';
          out[out.length - 1] = tok('lit', prev.start, i, prev.line, '', '', { type: 'temporal', temporal, text: r[0] }, slot++);
          continue;
        }
      }
      pushLit(start, i, { type: 'string', value: r[0] });
      continue;
    }
    if (c === C_BACKTICK) {
      const r = readQuoted(C_BACKTICK, i + 1, false);
      if (!r) {
        out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
        break;
      }
      i = r[1];
      if (!isWellFormed(r[0])) {
        out.push(tok('bad', start, i, lineAt(start), r[0], BAD_NAME));
        break;
      }
      out.push(tok('qident', start, i, lineAt(start), r[0], ''));
      continue;
    }
    if (c === C_AT) {
      if (src.charCodeAt(i + 1) === C_AT) {
        let j = i + 2;
        let scope: Token['scope'] = 'default';
        const rest = src.slice(j, j + 8).toLowerCase();
        if (rest.startsWith('session.')) {
          scope = 'session';
          j += 8;
        } else if (rest.startsWith('global.')) {
          scope = 'global';
          j += 7;
        } else if (rest.startsWith('local.')) {
          scope = 'session';
          j += 6;
        }
        let name: string;
        if (src.charCodeAt(j) === C_BACKTICK) {
          const r = readQuoted(C_BACKTICK, j + 1, false);
          if (!r) {
            out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
            break;
          }
          name = r[0];
          j = r[1];
        } else {
          const s = j;
          while (j < n && (continuesName(src, j) || src.charCodeAt(j) === C_DOT)) j++;
          name = src.slice(s, j);
        }
        i = j;
        out.push(tok('svar', start, i, lineAt(start), name, '', null, -1, scope));
        continue;
      }
      const q = src.charCodeAt(i + 1);
      if (q === C_SQUOTE || q === C_DQUOTE || q === C_BACKTICK) {
        const r = readQuoted(q, i + 2, q !== C_BACKTICK);
        if (!r) {
          out.push(tok('bad', i, n, lineAt(i), src.slice(i), ''));
          break;
        }
        i = r[1];
        out.push(tok('uvar', start, i, lineAt(start), r[0], '', null, -1, 'quoted'));
        continue;
      }
      let j = i + 1;
      while (j < n && (continuesName(src, j) || src.charCodeAt(j) === C_DOT)) j++;
      i = j;
      out.push(tok('uvar', start, i, lineAt(start), src.slice(start + 1, i), ''));
      continue;
    }
    if (c === 63 /* ? */) {
      i++;
      out.push(tok('param', start, i, lineAt(start), '?', '?'));
      continue;
    }
    // operators: the longest match, by char code (no slicing on the hot path)
    const c1 = src.charCodeAt(i + 1);
    let len = 1;
    switch (c) {
      case 60: // <
        len = c1 === 61 ? (src.charCodeAt(i + 2) === 62 ? 3 : 2) : c1 === 62 || c1 === 60 ? 2 : 1;
        break;
      case 62: // >
        len = c1 === 61 || c1 === 62 ? 2 : 1;
        break;
      case C_BANG:
      case 58: // : !
        len = c1 === 61 ? 2 : 1;
        break;
      case 124: // |
        len = c1 === 124 ? 2 : 1;
        break;
      case 38: // &
        len = c1 === 38 ? 2 : 1;
        break;
      case C_MINUS:
        len = c1 === 62 ? (src.charCodeAt(i + 2) === 62 ? 3 : 2) : 1;
        break;
      default:
        break;
    }
    const op = len === 1 ? OP1[c] ?? src[i]! : src.slice(i, i + len);
    i += len;
    if (c === 59 /* ; */) slot = 0;
    out.push(tok('op', start, i, lineAt(start), op, op));
  }
  return out;
}

/** The MySQL version Tessera runs version comments for: 8.0.32 (SERVER_VERSION) as Mmmpp. */
export const MYSQL_COMMENT_VERSION = 80032;

/**
 * Version comments from 90000 up to this run on Tessera although they are above
 * MYSQL_COMMENT_VERSION: SingleStore's range, where SHOW CREATE TABLE prints Tessera's own
 * clauses (SHARD KEY, …) so that MySQL, which is below 9.0, skips them.
 */
export const TESSERA_COMMENT_VERSION = 90899;
const SINGLESTORE_COMMENT_MIN = 90000;

/** Whether `/*!NNNNN … *\/` runs its content here. */
export function runsVersionComment(version: number): boolean {
  return version <= MYSQL_COMMENT_VERSION || (version >= SINGLESTORE_COMMENT_MIN && version <= TESSERA_COMMENT_VERSION);
}

/**
 * The version number that follows `/*!` at `at`, as MySQL reads it: five digits (Mmmpp), or six
 * when a sixth digit and then whitespace follow (MySQL 8.1's form for versions 10 and up).
 * Fewer than five digits are no version: they are part of the content.
 */
function commentVersionAt(src: string, at: number): { version: number; end: number } | null {
  let d = 0;
  while (d < 6 && isDigit(src.charCodeAt(at + d))) d++;
  if (d < 5) return null;
  const len = d === 6 && src.charCodeAt(at + 6) <= C_SPACE ? 6 : 5;
  return { version: Number(src.slice(at, at + len)), end: at + len };
}

/** The `up` of a 'bad' token that is a `quoted name` holding bytes that are not UTF-8. */
const BAD_NAME = '\0name';

/**
 * The error for a 'bad' token that is a name holding bytes that are not UTF-8 (common/charset.ts):
 * MySQL's 1300, since names become catalog entries and file names; null for other bad tokens.
 */
export function invalidNameError(t: Token): SqlError | null {
  if (t.kind !== 'bad' || t.up !== BAD_NAME) return null;
  return new SqlError('ER_INVALID_CHARACTER_STRING', `Invalid utf8mb4 character string: '${printable(t.text)}'`);
}

/** `t.5` must not read `.5` as a number. */
function afterName(out: Token[], pos: number): boolean {
  const p = out.length > 0 ? out[out.length - 1]! : null;
  return p !== null && p.end === pos && (p.kind === 'word' || p.kind === 'qident');
}

function afterDot(out: Token[], idx: number): boolean {
  if (idx <= 0) return false;
  const p = out[idx - 1]!;
  return p.kind === 'op' && p.text === '.';
}

/** The statements of a token list: [start, end) index pairs between `;` tokens. */
export function splitTokens(toks: readonly Token[]): [number, number][] {
  const out: [number, number][] = [];
  let s = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    if (t.kind === 'op' && t.text === ';') {
      out.push([s, k]);
      s = k + 1;
    }
  }
  out.push([s, toks.length]);
  return out;
}

function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** The marker of one token in the plan-cache key. */
function keyPiece(t: Token, prev: Token | null): string {
  switch (t.kind) {
    case 'word':
      return RESERVED.has(t.up) && !(prev && prev.kind === 'op' && prev.text === '.') ? t.up : t.text;
    case 'qident':
      return quoteIdent(t.text);
    case 'lit': {
      const l = t.lit!;
      switch (l.type) {
        case 'int':
        case 'decimal':
        case 'double':
          return '@';
        case 'string':
          return l.charset ? '_' + l.charset + '^' : '^';
        case 'hex':
        case 'bit':
          return '#';
        case 'temporal':
          return l.temporal.toUpperCase() + '^';
        case 'null':
        case 'bool':
          return l.type;
        default:
          return assertNever(l, 'literal');
      }
    }
    case 'param':
      return '?';
    case 'uvar':
      return t.scope === 'quoted' ? '@' + quoteIdent(t.text) : '@' + t.text;
    case 'svar':
      return '@@' + (t.scope === 'default' ? '' : t.scope + '.') + t.text;
    case 'op':
      return t.text;
    case 'bad':
    case 'eof':
      return t.text;
    default:
      return assertNever(t.kind, 'token kind');
  }
}

/** Statements whose literals become markers; every other statement keeps its values in the key. */
const DML_START = new Set(['SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'WITH']);

/** Words that end a select list at its own parenthesis depth. */
const SELECT_LIST_END = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'FOR', 'LOCK', 'INTO', 'UNION', 'WINDOW', 'INTERSECT', 'EXCEPT']);

/** Words whose following string is a name (charset, collation, separator), not a value. */
const NAME_BEFORE_STRING = new Set(['AS', 'SEPARATOR', 'USING', 'COLLATE', 'CHARSET', 'NAMES']);

/** Type words whose (n) / (p, s) arguments are part of a CAST/CONVERT target. */
const TYPE_ARG_WORDS = new Set(['CHAR', 'NCHAR', 'BINARY', 'DECIMAL', 'DEC', 'NUMERIC', 'FIXED', 'FLOAT', 'DATETIME', 'TIME', 'VARCHAR', 'VARBINARY']);

function literalText(l: Literal): string {
  switch (l.type) {
    case 'int':
    case 'decimal':
    case 'double':
      return l.text;
    case 'string':
      return (l.charset ? '_' + l.charset : '') + "'" + l.value.replace(/[\\']/g, '\\$&') + "'";
    case 'hex':
      return "X'" + l.hex + "'";
    case 'bit':
      return "b'" + l.bits + "'";
    case 'temporal':
      return l.temporal.toUpperCase() + "'" + l.text.replace(/[\\']/g, '\\$&') + "'";
    case 'null':
      return 'NULL';
    case 'bool':
      return l.value ? 'TRUE' : 'FALSE';
    default:
      return assertNever(l, 'literal');
  }
}

/** True when the token ends an operand, so a string after it is an alias. */
function endsOperand(t: Token): boolean {
  switch (t.kind) {
    case 'lit':
    case 'qident':
    case 'param':
    case 'uvar':
    case 'svar':
      return true;
    case 'word':
      return !RESERVED.has(t.up) || t.up === 'NULL' || t.up === 'TRUE' || t.up === 'FALSE';
    case 'op':
      return t.text === ')';
    default:
      return false;
  }
}

/**
 * Whether literal token k stands for itself in the key rather than for a slot: values that
 * shape the result beyond the value itself (column names in a select list, aliases, charset and
 * separator names, CAST lengths), and every literal of a non-DML statement.
 */
function keepsValue(toks: readonly Token[], s: number, k: number): boolean {
  const p1 = k - 1 >= s ? toks[k - 1]! : null;
  if (!p1) return false;
  const lit = toks[k]!.lit!;
  if (lit.type === 'string' || lit.type === 'temporal') {
    if (p1.kind === 'word' && NAME_BEFORE_STRING.has(p1.up)) return true;
    return endsOperand(p1);
  }
  if (lit.type === 'int') {
    const p2 = k - 2 >= s ? toks[k - 2]! : null;
    if (p1.kind === 'op' && p1.text === '(' && p2 && p2.kind === 'word' && TYPE_ARG_WORDS.has(p2.up)) return true;
    if (p1.kind === 'op' && p1.text === ',' && k - 4 >= s) {
      const p3 = toks[k - 3]!;
      const p4 = toks[k - 4]!;
      return p2!.kind === 'lit' && p3.kind === 'op' && p3.text === '(' && p4.kind === 'word' && TYPE_ARG_WORDS.has(p4.up);
    }
  }
  return false;
}

/**
 * The plan-cache key of tokens [s, e): single spaces, reserved words upper-cased, identifiers as
 * written, literals as markers of their kind. A literal keeps its value instead where the value
 * shapes more than a slot can carry (see keepsValue), and inside any select list, whose text
 * names the result columns.
 */
export function cacheKeyOf(toks: readonly Token[], s: number, e: number): string {
  if (s >= e) return '';
  const first = toks[s]!;
  const dml = (first.kind === 'op' && first.text === '(') || (first.kind === 'word' && DML_START.has(first.up));
  let key = '';
  let prev: Token | null = null;
  let depth = 0;
  // parenthesis depths of the select lists open around the current token
  const open: number[] = [];
  for (let k = s; k < e; k++) {
    const t = toks[k]!;
    let piece: string;
    if (t.kind === 'lit') {
      piece = !dml || open.length > 0 || keepsValue(toks, s, k) ? literalText(t.lit!) : keyPiece(t, prev);
    } else {
      piece = keyPiece(t, prev);
      if (t.kind === 'op') {
        if (t.text === '(') depth++;
        else if (t.text === ')') {
          depth--;
          while (open.length > 0 && open[open.length - 1]! > depth) open.pop();
        }
      } else if (t.kind === 'word' && !(prev && prev.kind === 'op' && prev.text === '.')) {
        if (t.up === 'SELECT') open.push(depth);
        else if (open.length > 0 && open[open.length - 1] === depth && SELECT_LIST_END.has(t.up)) open.pop();
      }
    }
    key = k === s ? piece : key + ' ' + piece;
    prev = t;
  }
  return key;
}
