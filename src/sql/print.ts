/**
 * AST → SQL text in MySQL syntax, for EXPLAIN, SHOW CREATE TABLE defaults and messages.
 * Parentheses appear only where precedence needs them, so parse(print(x)) gives x back.
 */
import type {
  AlterAction, Assignment, CastTarget, ColumnDef, ColumnPosition, CommonTableExpr, WithClause, Expr, IndexColumn, IndexDef, Limit, Literal, OrderItem, Query,
  SelectItem, ShowStatement, Statement, TableName, TableOptions, TableRef, TypeName, FrameBound, WindowRef, WindowSpec, ViewStatement,
} from './ast.js';
import { assertNever } from '../common/assert.js';
import { printAccountRef, printAccountStatement } from './print-account.js';
import { NILADIC, RESERVED } from './keywords.js';

// Binding strength, loosest first; the parser's levels (see parser.ts expr()).
const P_OR = 1;
const P_XOR = 2;
const P_AND = 3;
const P_NOT = 4;
const P_CMP = 5;
const P_BITOR = 6;
const P_BITAND = 7;
const P_SHIFT = 8;
const P_ADD = 9;
const P_MUL = 10;
const P_BITXOR = 11;
const P_UNARY = 12;
const P_COLLATE = 13;
const P_PRIMARY = 14;

const BINARY_PREC: Record<string, number> = {
  OR: P_OR, XOR: P_XOR, AND: P_AND,
  '=': P_CMP, '<=>': P_CMP, '<>': P_CMP, '<': P_CMP, '<=': P_CMP, '>': P_CMP, '>=': P_CMP,
  '|': P_BITOR, '&': P_BITAND, '<<': P_SHIFT, '>>': P_SHIFT, '+': P_ADD, '-': P_ADD,
  '*': P_MUL, '/': P_MUL, DIV: P_MUL, '%': P_MUL, '^': P_BITXOR,
};

const SIMPLE_IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An identifier, backquoted when MySQL would not read it bare. */
export function quoteIdent(name: string): string {
  if (SIMPLE_IDENT.test(name) && !RESERVED.has(name.toUpperCase())) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

const STRING_ESCAPES: Record<string, string> = {
  '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "\\'", '\\': '\\\\',
};

export function quoteString(s: string): string {
  return "'" + s.replace(/[\0\n\r\x1a'\\]/g, (c) => STRING_ESCAPES[c]!) + "'";
}

function printLiteral(l: Literal): string {
  switch (l.type) {
    case 'null':
      return 'NULL';
    case 'bool':
      return l.value ? 'TRUE' : 'FALSE';
    case 'int':
    case 'decimal':
    case 'double':
      return l.text;
    case 'string':
      return (l.charset ? '_' + l.charset : '') + quoteString(l.value);
    case 'hex':
      return "X'" + l.hex + "'";
    case 'bit':
      return "b'" + l.bits + "'";
    case 'temporal':
      return l.temporal.toUpperCase() + ' ' + quoteString(l.text);
    default:
      return assertNever(l, 'literal');
  }
}

function precOf(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return BINARY_PREC[e.op]!;
    case 'unary':
      return e.op === 'NOT' ? P_NOT : e.op === 'BINARY' ? P_COLLATE : P_UNARY;
    case 'isNull':
    case 'isTruth':
    case 'between':
    case 'inList':
    case 'inQuery':
    case 'like':
    case 'regexp':
    case 'quantified':
      return P_CMP;
    case 'call':
      return e.name === 'MEMBER OF' ? P_CMP : P_PRIMARY;
    case 'collate':
      return P_COLLATE;
    case 'interval':
      return P_UNARY;
    default:
      return P_PRIMARY;
  }
}

/** e printed so that it binds at least as tight as `min`. */
function sub(e: Expr, min: number): string {
  const s = printExpr(e);
  return precOf(e) < min ? '(' + s + ')' : s;
}

function printCastTarget(t: CastTarget): string {
  switch (t.type) {
    case 'SIGNED':
    case 'UNSIGNED':
    case 'DATE':
    case 'JSON':
    case 'DOUBLE':
    case 'FLOAT':
    case 'REAL':
      return t.type;
    case 'DECIMAL':
      return t.precision === undefined ? 'DECIMAL' : t.scale === undefined ? `DECIMAL(${t.precision})` : `DECIMAL(${t.precision}, ${t.scale})`;
    case 'CHAR':
    case 'NCHAR':
    case 'BINARY':
      return t.type + (t.length !== undefined ? `(${t.length})` : '') + (t.charset ? ' CHARACTER SET ' + quoteIdent(t.charset) : '');
    case 'DATETIME':
    case 'TIME':
      return t.type + (t.fsp !== undefined ? `(${t.fsp})` : '');
    default:
      return assertNever(t, 'cast target');
  }
}

function printCall(e: Extract<Expr, { kind: 'call' }>): string {
  const a = e.args;
  const list = (xs: readonly Expr[]): string => xs.map(printExpr).join(', ');
  switch (e.name) {
    case 'MEMBER OF':
      return `${sub(a[0]!, P_BITOR)} MEMBER OF (${printExpr(a[1]!)})`;
    case 'DATE_ADD':
    case 'DATE_SUB':
    case 'ADDDATE':
    case 'SUBDATE':
      if (a.length === 3 && a[2]!.kind === 'timeUnit') return `${e.name}(${printExpr(a[0]!)}, INTERVAL ${printExpr(a[1]!)} ${a[2]!.unit})`;
      break;
    case 'EXTRACT':
      if (a.length === 2 && a[0]!.kind === 'timeUnit') return `EXTRACT(${a[0]!.unit} FROM ${printExpr(a[1]!)})`;
      break;
    case 'TRIM_LEADING':
    case 'TRIM_TRAILING':
    case 'TRIM_BOTH': {
      const dir = e.name.slice(5);
      return a.length === 1 ? `TRIM(${dir} FROM ${printExpr(a[0]!)})` : `TRIM(${dir} ${printExpr(a[1]!)} FROM ${printExpr(a[0]!)})`;
    }
    case 'CONVERT_USING':
      return `CONVERT(${printExpr(a[0]!)} USING ${e.charset ?? 'utf8mb4'})`;
    default:
      break;
  }
  // CURRENT_TIMESTAMP, as SHOW CREATE TABLE writes it
  if (a.length === 0 && NILADIC.has(e.name) && !e.charset) return e.name;
  let s = e.name + '(' + (e.distinct ? 'DISTINCT ' : '') + list(a);
  if (e.orderBy) s += ' ORDER BY ' + printOrderBy(e.orderBy);
  if (e.separator !== undefined) s += ' SEPARATOR ' + quoteString(e.separator);
  if (e.charset !== undefined) s += ' USING ' + e.charset;
  s += ')';
  return e.over ? s + ' OVER ' + printWindowRef(e.over) : s;
}

function printWindowRef(w: WindowRef): string {
  return w.kind === 'named' ? quoteIdent(w.name) : printWindowSpec(w.spec);
}

function printWindowSpec(w: WindowSpec): string {
  const parts: string[] = [];
  if (w.base !== undefined) parts.push(quoteIdent(w.base));
  if (w.partitionBy) parts.push('PARTITION BY ' + w.partitionBy.map(printExpr).join(', '));
  if (w.orderBy) parts.push('ORDER BY ' + printOrderBy(w.orderBy));
  if (w.frame) parts.push(`${w.frame.unit} BETWEEN ${printFrameBound(w.frame.start)} AND ${printFrameBound(w.frame.end)}`);
  return '(' + parts.join(' ') + ')';
}

function printFrameBound(b: FrameBound): string {
  switch (b.kind) {
    case 'unboundedPreceding':
      return 'UNBOUNDED PRECEDING';
    case 'unboundedFollowing':
      return 'UNBOUNDED FOLLOWING';
    case 'currentRow':
      return 'CURRENT ROW';
    case 'preceding':
    case 'following':
      return `${printExpr(b.value)} ${b.kind.toUpperCase()}`;
    default:
      return assertNever(b, 'frame bound');
  }
}

/** AST → SQL text. Round-trips: parse(print(x)) ≅ x. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return printLiteral(e.value);
    case 'param':
      return '?';
    case 'column':
      return (e.db !== undefined ? quoteIdent(e.db) + '.' : '') + (e.table !== undefined ? quoteIdent(e.table) + '.' : '') + quoteIdent(e.name);
    case 'star':
      return (e.db !== undefined ? quoteIdent(e.db) + '.' : '') + (e.table !== undefined ? quoteIdent(e.table) + '.' : '') + '*';
    case 'unary': {
      if (e.op === 'NOT') return 'NOT ' + sub(e.operand, P_NOT);
      if (e.op === 'BINARY') return 'BINARY ' + sub(e.operand, P_COLLATE);
      const s = sub(e.operand, P_UNARY);
      // `- -1`, not `--1`
      return e.op + (s.startsWith('-') || s.startsWith('+') ? ' ' : '') + s;
    }
    case 'binary': {
      const p = BINARY_PREC[e.op]!;
      // comparisons take a predicate on the right, never another comparison
      return `${sub(e.left, p)} ${e.op} ${sub(e.right, p + 1)}`;
    }
    case 'isNull':
      return `${sub(e.operand, P_CMP)} IS ${e.not ? 'NOT ' : ''}NULL`;
    case 'isTruth':
      return `${sub(e.operand, P_CMP)} IS ${e.not ? 'NOT ' : ''}${e.truth}`;
    case 'between':
      return `${sub(e.operand, P_BITOR)} ${e.not ? 'NOT ' : ''}BETWEEN ${sub(e.low, P_BITOR)} AND ${sub(e.high, P_BITOR)}`;
    case 'inList':
      return `${sub(e.operand, P_BITOR)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(printExpr).join(', ')})`;
    case 'inQuery':
      return `${sub(e.operand, P_BITOR)} ${e.not ? 'NOT ' : ''}IN (${printQuery(e.query)})`;
    case 'like':
      return `${sub(e.operand, P_BITOR)} ${e.not ? 'NOT ' : ''}LIKE ${sub(e.pattern, P_BITOR)}` + (e.escape ? ` ESCAPE ${sub(e.escape, P_COLLATE)}` : '');
    case 'regexp':
      return `${sub(e.operand, P_BITOR)} ${e.not ? 'NOT ' : ''}REGEXP ${sub(e.pattern, P_BITOR)}`;
    case 'exists':
      return `EXISTS (${printQuery(e.query)})`;
    case 'subquery':
      return `(${printQuery(e.query)})`;
    case 'quantified':
      return `${sub(e.operand, P_CMP)} ${e.op} ${e.quantifier} (${printQuery(e.query)})`;
    case 'case': {
      let s = 'CASE';
      if (e.operand) s += ' ' + printExpr(e.operand);
      for (const w of e.whens) s += ` WHEN ${printExpr(w.when)} THEN ${printExpr(w.then)}`;
      if (e.else) s += ' ELSE ' + printExpr(e.else);
      return s + ' END';
    }
    case 'call':
      return printCall(e);
    case 'timeUnit':
      return e.unit;
    case 'cast':
      return `CAST(${printExpr(e.operand)} AS ${printCastTarget(e.target)})`;
    case 'variable':
      if (e.scope === 'user') return '@' + (SIMPLE_IDENT.test(e.name) ? e.name : '`' + e.name.replace(/`/g, '``') + '`');
      return '@@' + (e.scope === 'default' ? '' : e.scope + '.') + e.name;
    case 'collate':
      return `${sub(e.operand, P_COLLATE)} COLLATE ${quoteIdent(e.collation)}`;
    case 'row':
      return (e.items.length === 1 ? 'ROW(' : '(') + e.items.map(printExpr).join(', ') + ')';
    case 'default':
      return e.column !== undefined ? `DEFAULT(${quoteIdent(e.column)})` : 'DEFAULT';
    case 'interval':
      return `INTERVAL ${sub(e.value, P_PRIMARY)} ${e.unit}`;
    default:
      return assertNever(e, 'expression');
  }
}

function printOrderBy(items: readonly OrderItem[]): string {
  return items.map((o) => printExpr(o.expr) + (o.desc ? ' DESC' : '')).join(', ');
}

function printLimit(l: Limit): string {
  return ' LIMIT ' + printExpr(l.count) + (l.offset ? ' OFFSET ' + printExpr(l.offset) : '');
}

/** A view statement; the SELECT as its text was written. */
function printViewStatement(s: ViewStatement): string {
  if (s.kind === 'dropView') return 'DROP VIEW ' + (s.ifExists ? 'IF EXISTS ' : '') + s.views.map(printTableName).join(', ');
  if (s.kind === 'showCreateView') return 'SHOW CREATE VIEW ' + printTableName(s.view);
  const v = s.spec;
  const head = s.kind === 'alterView' ? 'ALTER' : s.orReplace ? 'CREATE OR REPLACE' : 'CREATE';
  return (
    head +
    (v.algorithm ? ` ALGORITHM = ${v.algorithm}` : '') +
    (v.definer ? ` DEFINER = ${printAccountRef(v.definer)}` : '') +
    (v.security ? ` SQL SECURITY ${v.security}` : '') +
    ` VIEW ${printTableName(v.view)}` +
    (v.columns ? ` (${v.columns.map(quoteIdent).join(', ')})` : '') +
    ` AS ${v.queryText}` +
    (v.checkOption ? ` WITH ${v.checkOption} CHECK OPTION` : '')
  );
}

function printTableName(t: TableName): string {
  return (t.db !== undefined ? quoteIdent(t.db) + '.' : '') + quoteIdent(t.name);
}

function printTableRef(r: TableRef): string {
  switch (r.kind) {
    case 'table':
      return printTableName(r) + (r.alias !== undefined ? ' AS ' + quoteIdent(r.alias) : '');
    case 'cte':
      return quoteIdent(r.name) + (r.alias !== undefined ? ' AS ' + quoteIdent(r.alias) : '');
    case 'derived':
      return (r.lateral ? 'LATERAL ' : '') + `(${printQuery(r.query)}) AS ${quoteIdent(r.alias)}` + (r.columns ? ` (${r.columns.map(quoteIdent).join(', ')})` : '');
    case 'join': {
      // the right side of a join is a single factor, so a nested join there needs parentheses
      const right = r.right.kind === 'join' ? '(' + printTableRef(r.right) + ')' : printTableRef(r.right);
      const left = printTableRef(r.left);
      if (r.type === 'CROSS' && !r.on && !r.using && !r.natural) return `${left} CROSS JOIN ${right}`;
      const word = r.natural
        ? 'NATURAL ' + (r.type === 'LEFT' || r.type === 'RIGHT' ? r.type + ' ' : '') + 'JOIN'
        : r.type === 'STRAIGHT' ? 'STRAIGHT_JOIN' : r.type === 'INNER' || r.type === 'CROSS' ? 'JOIN' : r.type + ' JOIN';
      let s = `${left} ${word} ${right}`;
      if (r.on) s += ' ON ' + printExpr(r.on);
      if (r.using) s += ` USING (${r.using.map(quoteIdent).join(', ')})`;
      return s;
    }
    default:
      return assertNever(r, 'table ref');
  }
}

function printSelectItem(i: SelectItem): string {
  if (i.kind === 'star') return (i.db !== undefined ? quoteIdent(i.db) + '.' : '') + (i.table !== undefined ? quoteIdent(i.table) + '.' : '') + '*';
  return printExpr(i.expr) + (i.alias !== undefined ? ' AS ' + quoteIdent(i.alias) : '');
}

function printQueryTerm(q: Query): string {
  // a member of a union with its own ORDER BY/LIMIT or WITH, or a union on the right, needs parentheses
  if (q.kind === 'union' || q.orderBy || q.limit || q.lock || q.with) return '(' + printQuery(q) + ')';
  return printQuery(q);
}

function printWith(w: WithClause): string {
  const cte = (c: CommonTableExpr): string =>
    quoteIdent(c.name) + (c.columns ? ` (${c.columns.map(quoteIdent).join(', ')})` : '') + ` AS (${printQuery(c.query)})`;
  return 'WITH ' + (w.recursive ? 'RECURSIVE ' : '') + w.ctes.map(cte).join(', ') + ' ';
}

export function printQuery(q: Query): string {
  const prefix = q.with ? printWith(q.with) : '';
  if (q.kind === 'union') {
    // left-associative: the left operand needs no parentheses unless it binds looser (UNION or
    // EXCEPT under INTERSECT)
    const l = q.left;
    const bare = l.kind === 'union' && !l.orderBy && !l.limit && !l.with && (q.op !== 'INTERSECT' || l.op === 'INTERSECT');
    const left = bare ? printQuery(l) : printQueryTerm(l);
    let s = `${prefix}${left} ${q.op ?? 'UNION'} ${q.all ? 'ALL ' : ''}${printQueryTerm(q.right)}`;
    if (q.orderBy) s += ' ORDER BY ' + printOrderBy(q.orderBy);
    if (q.limit) s += printLimit(q.limit);
    return s;
  }
  let s = prefix + 'SELECT ' + (q.distinct ? 'DISTINCT ' : '') + (q.calcFoundRows ? 'SQL_CALC_FOUND_ROWS ' : '') + q.items.map(printSelectItem).join(', ');
  if (q.from) s += ' FROM ' + printTableRef(q.from);
  if (q.where) s += ' WHERE ' + printExpr(q.where);
  if (q.groupBy) s += ' GROUP BY ' + q.groupBy.map(printExpr).join(', ') + (q.withRollup ? ' WITH ROLLUP' : '');
  if (q.having) s += ' HAVING ' + printExpr(q.having);
  if (q.windows) s += ' WINDOW ' + q.windows.map((w) => `${quoteIdent(w.name)} AS ${printWindowSpec(w.spec)}`).join(', ');
  if (q.orderBy) s += ' ORDER BY ' + printOrderBy(q.orderBy);
  if (q.limit) s += printLimit(q.limit);
  if (q.lock) s += q.lock === 'update' ? ' FOR UPDATE' : ' FOR SHARE';
  return s;
}

function printAssignments(a: readonly Assignment[]): string {
  return a.map((x) => (x.column.table !== undefined ? quoteIdent(x.column.table) + '.' : '') + quoteIdent(x.column.name) + ' = ' + printExpr(x.value)).join(', ');
}

export function printType(t: TypeName): string {
  let s = t.name;
  if (t.values) s += '(' + t.values.map(quoteString).join(', ') + ')';
  else if (t.args.length > 0) s += '(' + t.args.join(', ') + ')';
  if (t.unsigned) s += ' UNSIGNED';
  if (t.zerofill) s += ' ZEROFILL';
  if (t.binary) s += ' BINARY';
  if (t.charset) s += ' CHARACTER SET ' + quoteIdent(t.charset);
  if (t.collation) s += ' COLLATE ' + quoteIdent(t.collation);
  return s;
}

export function printColumnDef(c: ColumnDef): string {
  let s = quoteIdent(c.name) + ' ' + printType(c.type);
  if (c.nullable === false) s += ' NOT NULL';
  else if (c.nullable === true) s += ' NULL';
  if (c.default) s += ' DEFAULT ' + (c.default.kind === 'literal' || c.default.kind === 'call' ? printExpr(c.default) : '(' + printExpr(c.default) + ')');
  if (c.onUpdate) s += ' ON UPDATE ' + printExpr(c.onUpdate);
  if (c.autoIncrement) s += ' AUTO_INCREMENT';
  if (c.unique) s += ' UNIQUE';
  if (c.primaryKey) s += ' PRIMARY KEY';
  if (c.comment !== undefined) s += ' COMMENT ' + quoteString(c.comment);
  return s;
}

function printIndexColumns(cols: readonly IndexColumn[]): string {
  return '(' + cols.map((c) => quoteIdent(c.name) + (c.length !== undefined ? `(${c.length})` : '') + (c.desc ? ' DESC' : '')).join(', ') + ')';
}

export function printIndexDef(d: IndexDef): string {
  switch (d.kind) {
    case 'primary':
      return (d.name !== undefined ? 'CONSTRAINT ' + quoteIdent(d.name) + ' ' : '') + 'PRIMARY KEY ' + printIndexColumns(d.columns) + (d.using ? ' USING ' + d.using : '');
    case 'unique':
    case 'index':
    case 'fulltext': {
      const word = d.kind === 'unique' ? 'UNIQUE KEY' : d.kind === 'fulltext' ? 'FULLTEXT KEY' : 'KEY';
      return word + (d.name !== undefined ? ' ' + quoteIdent(d.name) : '') + ' ' + printIndexColumns(d.columns) + (d.using ? ' USING ' + d.using : '');
    }
    case 'shard':
      return 'SHARD KEY ' + printIndexColumns(d.columns);
    case 'sort':
      return 'SORT KEY ' + printIndexColumns(d.columns);
    case 'foreign': {
      const dot = d.refTable.indexOf('.');
      const ref = dot >= 0 ? quoteIdent(d.refTable.slice(0, dot)) + '.' + quoteIdent(d.refTable.slice(dot + 1)) : quoteIdent(d.refTable);
      return (d.name !== undefined ? 'CONSTRAINT ' + quoteIdent(d.name) + ' ' : '') + 'FOREIGN KEY ' + printIndexColumns(d.columns) + ' REFERENCES ' + ref + ' (' + d.refColumns.map(quoteIdent).join(', ') + ')';
    }
    default:
      return assertNever(d, 'index');
  }
}

function printOptions(o: TableOptions): string {
  let s = '';
  for (const [k, v] of Object.entries(o)) {
    const value = k === 'COMMENT' || k === 'CONNECTION' || k === 'PASSWORD' || k === 'ENCRYPTION' || k === 'COMPRESSION' || !/^[A-Za-z0-9_]+$/.test(v) ? quoteString(v) : v;
    s += ' ' + (k === 'CHARSET' ? 'DEFAULT CHARSET' : k) + '=' + value;
  }
  return s;
}

function printPosition(p: ColumnPosition | undefined): string {
  return p ? ('first' in p ? ' FIRST' : ' AFTER ' + quoteIdent(p.after)) : '';
}

function printAlterAction(a: AlterAction): string {
  switch (a.kind) {
    case 'addColumn':
      return 'ADD COLUMN ' + printColumnDef(a.column) + printPosition(a.position);
    case 'dropColumn':
      return 'DROP COLUMN ' + quoteIdent(a.name);
    case 'modifyColumn':
      return (a.oldName !== undefined ? 'CHANGE COLUMN ' + quoteIdent(a.oldName) + ' ' + printColumnDef(a.column) : 'MODIFY COLUMN ' + printColumnDef(a.column)) + printPosition(a.position);
    case 'renameColumn':
      return 'RENAME COLUMN ' + quoteIdent(a.from) + ' TO ' + quoteIdent(a.to);
    case 'renameIndex':
      return 'RENAME INDEX ' + quoteIdent(a.from) + ' TO ' + quoteIdent(a.to);
    case 'addIndex':
      return 'ADD ' + printIndexDef(a.index);
    case 'dropIndex':
      return 'DROP INDEX ' + quoteIdent(a.name);
    case 'dropPrimaryKey':
      return 'DROP PRIMARY KEY';
    case 'renameTable':
      return 'RENAME TO ' + printTableName(a.to);
    case 'options':
      return printOptions(a.options).slice(1);
    default:
      return assertNever(a, 'alter action');
  }
}

function likeWhere(s: { readonly like?: string; readonly where?: Expr }): string {
  if (s.like !== undefined) return ' LIKE ' + quoteString(s.like);
  if (s.where) return ' WHERE ' + printExpr(s.where);
  return '';
}

function printShow(s: ShowStatement): string {
  switch (s.kind) {
    case 'showDatabases':
      return 'SHOW DATABASES' + likeWhere(s);
    case 'showTables':
      return 'SHOW ' + (s.full ? 'FULL ' : '') + 'TABLES' + (s.db !== undefined ? ' FROM ' + quoteIdent(s.db) : '') + likeWhere(s);
    case 'showColumns':
      return 'SHOW ' + (s.full ? 'FULL ' : '') + 'COLUMNS FROM ' + printTableName(s.table) + likeWhere(s);
    case 'showIndex':
      return 'SHOW INDEX FROM ' + printTableName(s.table);
    case 'showCreateTable':
      return 'SHOW CREATE TABLE ' + printTableName(s.table);
    case 'showCreateDatabase':
      return 'SHOW CREATE DATABASE ' + (s.ifNotExists ? 'IF NOT EXISTS ' : '') + quoteIdent(s.db);
    case 'showVariables':
      return 'SHOW ' + s.scope.toUpperCase() + ' VARIABLES' + likeWhere(s);
    case 'showStatus':
      return 'SHOW ' + s.scope.toUpperCase() + ' STATUS' + likeWhere(s);
    case 'showWarnings':
      return 'SHOW ' + (s.errorsOnly ? 'ERRORS' : 'WARNINGS') + (s.limit ? printLimit(s.limit) : '');
    case 'showProcesslist':
      return 'SHOW ' + (s.full ? 'FULL ' : '') + 'PROCESSLIST';
    case 'showTableStatus':
      return 'SHOW TABLE STATUS' + (s.db !== undefined ? ' FROM ' + quoteIdent(s.db) : '') + (s.like !== undefined ? ' LIKE ' + quoteString(s.like) : '');
    case 'showCollation':
      return 'SHOW COLLATION' + likeWhere(s);
    case 'showCharset':
      return 'SHOW CHARACTER SET' + likeWhere(s);
    case 'showEngines':
      return 'SHOW ENGINES';
    case 'showPlugins':
      return 'SHOW PLUGINS';
    case 'showStoredObjects':
      return 'SHOW ' + s.what + (s.db !== undefined ? ' FROM ' + quoteIdent(s.db) : '') + likeWhere(s);
    case 'showCluster':
      return 'SHOW ' + s.what + (s.db !== undefined ? ' ON ' + quoteIdent(s.db) : '');
    default:
      return assertNever(s, 'show statement');
  }
}

/** A statement back to SQL text. */
export function printStatement(s: Statement): string {
  switch (s.kind) {
    case 'select':
    case 'union':
      return printQuery(s);
    case 'insert': {
      let out = (s.replace ? 'REPLACE ' : 'INSERT ') + (s.ignore ? 'IGNORE ' : '') + 'INTO ' + printTableName(s.table);
      if (s.columns) out += ' (' + s.columns.map(quoteIdent).join(', ') + ')';
      const src = s.source;
      switch (src.kind) {
        case 'values':
          out += ' VALUES ' + src.rows.map((r) => '(' + r.map(printExpr).join(', ') + ')').join(', ');
          break;
        case 'query':
          out += ' ' + printQuery(src.query);
          break;
        case 'set':
          out += ' SET ' + printAssignments(src.assignments);
          break;
        default:
          assertNever(src, 'insert source');
      }
      if (s.rowAlias !== undefined) out += ' AS ' + quoteIdent(s.rowAlias);
      if (s.onDuplicate) out += ' ON DUPLICATE KEY UPDATE ' + printAssignments(s.onDuplicate);
      return out;
    }
    case 'deleteMulti':
      return 'DELETE ' + s.targets.map(printTableName).join(', ') + ' FROM ' + printTableRef(s.from) + (s.where ? ' WHERE ' + printExpr(s.where) : '');
    case 'update': {
      let out = 'UPDATE ' + (s.ignore ? 'IGNORE ' : '') + printTableRef(s.table) + ' SET ' + printAssignments(s.set);
      if (s.where) out += ' WHERE ' + printExpr(s.where);
      if (s.orderBy) out += ' ORDER BY ' + printOrderBy(s.orderBy);
      if (s.limit) out += printLimit(s.limit);
      return out;
    }
    case 'delete': {
      let out = 'DELETE FROM ' + printTableName(s.table) + (s.alias !== undefined ? ' AS ' + quoteIdent(s.alias) : '');
      if (s.where) out += ' WHERE ' + printExpr(s.where);
      if (s.orderBy) out += ' ORDER BY ' + printOrderBy(s.orderBy);
      if (s.limit) out += printLimit(s.limit);
      return out;
    }
    case 'createDatabase':
      return 'CREATE DATABASE ' + (s.ifNotExists ? 'IF NOT EXISTS ' : '') + quoteIdent(s.name) + printOptions(s.options);
    case 'dropDatabase':
      return 'DROP DATABASE ' + (s.ifExists ? 'IF EXISTS ' : '') + quoteIdent(s.name);
    case 'createTable': {
      let out = 'CREATE ' + (s.temporary ? 'TEMPORARY ' : '') + (s.storage ? s.storage.toUpperCase() + ' ' : '') + (s.reference ? 'REFERENCE ' : '') + 'TABLE ';
      out += (s.ifNotExists ? 'IF NOT EXISTS ' : '') + printTableName(s.table);
      const parts = [...s.columns.map(printColumnDef), ...s.indexes.map(printIndexDef)];
      if (parts.length > 0) out += ' (' + parts.join(', ') + ')';
      out += printOptions(s.options);
      if (s.asQuery) out += ' AS ' + printQuery(s.asQuery);
      return out;
    }
    case 'createTableLike':
      return 'CREATE TABLE ' + (s.ifNotExists ? 'IF NOT EXISTS ' : '') + printTableName(s.table) + ' LIKE ' + printTableName(s.like);
    case 'dropTable':
      return 'DROP ' + (s.temporary ? 'TEMPORARY ' : '') + 'TABLE ' + (s.ifExists ? 'IF EXISTS ' : '') + s.tables.map(printTableName).join(', ');
    case 'truncate':
      return 'TRUNCATE TABLE ' + printTableName(s.table);
    case 'createIndex': {
      const d = s.index;
      const word = d.kind === 'unique' ? 'UNIQUE INDEX' : d.kind === 'fulltext' ? 'FULLTEXT INDEX' : 'INDEX';
      const name = 'name' in d && d.name !== undefined ? quoteIdent(d.name) : '';
      const using = 'using' in d && d.using ? ' USING ' + d.using : '';
      return `CREATE ${word} ${name} ON ${printTableName(s.table)} ${printIndexColumns(d.columns)}${using}`;
    }
    case 'dropIndex':
      return 'DROP INDEX ' + quoteIdent(s.name) + ' ON ' + printTableName(s.table);
    case 'alterTable':
      return 'ALTER TABLE ' + printTableName(s.table) + ' ' + s.actions.map(printAlterAction).join(', ');
    case 'renameTable':
      return 'RENAME TABLE ' + s.pairs.map((p) => printTableName(p.from) + ' TO ' + printTableName(p.to)).join(', ');
    case 'use':
      return 'USE ' + quoteIdent(s.db);
    case 'set':
      return 'SET ' + s.assignments.map((a) => {
        switch (a.kind) {
          case 'variable': {
            const v = a.value.kind === 'literal' && a.value.slot === -1 && a.value.value.type === 'string' ? a.value.value.value : printExpr(a.value);
            const target = a.scope === 'user' ? printExpr({ kind: 'variable', name: a.name, scope: 'user' }) : '@@' + a.scope + '.' + a.name;
            return target + ' = ' + v;
          }
          case 'names':
            return 'NAMES ' + (a.charset === 'DEFAULT' ? 'DEFAULT' : quoteIdent(a.charset)) + (a.collation ? ' COLLATE ' + quoteIdent(a.collation) : '');
          case 'charset':
            return 'CHARACTER SET ' + (a.charset === 'DEFAULT' ? 'DEFAULT' : quoteIdent(a.charset));
          case 'transaction': {
            const parts: string[] = [];
            if (a.isolation) parts.push('ISOLATION LEVEL ' + a.isolation);
            if (a.readOnly !== undefined) parts.push(a.readOnly ? 'READ ONLY' : 'READ WRITE');
            return (a.scope === 'next' ? '' : a.scope.toUpperCase() + ' ') + 'TRANSACTION ' + parts.join(', ');
          }
          default:
            return assertNever(a, 'set assignment');
        }
      }).join(', ');
    case 'describe':
      return 'DESCRIBE ' + printTableName(s.table) + (s.column !== undefined ? ' ' + quoteIdent(s.column) : '');
    case 'explain':
      return 'EXPLAIN ' + (s.format ? 'FORMAT=' + s.format + ' ' : '') + (s.analyze ? 'ANALYZE ' : '') + printStatement(s.statement);
    case 'begin': {
      const opts: string[] = [];
      if (s.consistentSnapshot) opts.push('WITH CONSISTENT SNAPSHOT');
      if (s.readOnly !== undefined) opts.push(s.readOnly ? 'READ ONLY' : 'READ WRITE');
      return 'START TRANSACTION' + (opts.length ? ' ' + opts.join(', ') : '');
    }
    case 'commit':
      return s.chain ? 'COMMIT AND CHAIN' : 'COMMIT';
    case 'rollback':
      return s.chain ? 'ROLLBACK AND CHAIN' : 'ROLLBACK';
    case 'savepoint':
      return 'SAVEPOINT ' + quoteIdent(s.name);
    case 'rollbackToSavepoint':
      return 'ROLLBACK TO SAVEPOINT ' + quoteIdent(s.name);
    case 'releaseSavepoint':
      return 'RELEASE SAVEPOINT ' + quoteIdent(s.name);
    case 'kill':
      return 'KILL ' + (s.target === 'query' ? 'QUERY ' : 'CONNECTION ') + printExpr(s.id);
    case 'lockTables':
      return 'LOCK TABLES ' + s.tables.map((t) => printTableName(t.table) + (t.alias !== undefined ? ' AS ' + quoteIdent(t.alias) : '') + (t.mode === 'read' ? ' READ' : ' WRITE')).join(', ');
    case 'alterTableKeys':
      return 'ALTER TABLE ' + printTableName(s.table) + (s.enable ? ' ENABLE KEYS' : ' DISABLE KEYS');
    case 'unlockTables':
      return 'UNLOCK TABLES';
    case 'sqlPrepared': {
      const c = s.command;
      const user = (name: string): string => printExpr({ kind: 'variable', name, scope: 'user' });
      switch (c.kind) {
        case 'prepare':
          return 'PREPARE ' + quoteIdent(c.name) + ' FROM ' + (c.source.kind === 'text' ? quoteString(c.source.text) : user(c.source.name));
        case 'execute':
          return 'EXECUTE ' + quoteIdent(c.name) + (c.using.length ? ' USING ' + c.using.map(user).join(', ') : '');
        case 'deallocate':
          return 'DEALLOCATE PREPARE ' + quoteIdent(c.name);
        default:
          return assertNever(c, 'prepared-statement command');
      }
    }
    case 'flush':
      return 'FLUSH ' + s.what;
    case 'analyzeTable':
    case 'optimizeTable':
      return (s.kind === 'analyzeTable' ? 'ANALYZE' : 'OPTIMIZE') + ' TABLE ' + s.tables.map(printTableName).join(', ');
    case 'clusterCommand':
      return s.command + (s.args.length ? ' ' + s.args.map((a) => (/^[A-Za-z0-9_]+$/.test(a) ? a : quoteString(a))).join(' ') : '');
    case 'empty':
      return '';
    case 'showDatabases':
    case 'showTables':
    case 'showColumns':
    case 'showIndex':
    case 'showCreateTable':
    case 'showCreateDatabase':
    case 'showVariables':
    case 'showStatus':
    case 'showWarnings':
    case 'showProcesslist':
    case 'showTableStatus':
    case 'showCollation':
    case 'showCharset':
    case 'showEngines':
    case 'showPlugins':
    case 'showStoredObjects':
    case 'showCluster':
      return printShow(s);
    case 'createUser':
    case 'alterUser':
    case 'dropUser':
    case 'renameUser':
    case 'setPassword':
    case 'createRole':
    case 'dropRole':
    case 'grant':
    case 'revoke':
    case 'revokeAll':
    case 'grantRole':
    case 'revokeRole':
    case 'setRole':
    case 'setDefaultRole':
    case 'showGrants':
    case 'showCreateUser':
      return printAccountStatement(s);
    case 'createView':
    case 'alterView':
    case 'dropView':
    case 'showCreateView':
      return printViewStatement(s);
    default:
      return assertNever(s, 'statement');
  }
}
