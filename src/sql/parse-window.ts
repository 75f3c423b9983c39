/**
 * Window syntax (MySQL 8): OVER w / OVER ([w] [PARTITION BY …] [ORDER BY …] [frame]) after a
 * window function call, the WINDOW w AS (…) clause of a SELECT, and the null treatment / FROM
 * FIRST words of FIRST_VALUE, LAST_VALUE, NTH_VALUE, LAG and LEAD. The parser lends its token
 * primitives through WindowParserHost; everything here is plain recursive descent over them.
 */
import { SqlError } from '../common/errors.js';
import type { Expr, FrameBound, OrderItem, WindowDef, WindowFrame, WindowRef, WindowSpec } from './ast.js';

export interface WindowParserHost {
  isWord(up: string, k?: number): boolean;
  accept(up: string): boolean;
  expect(up: string): void;
  acceptOp(op: string): boolean;
  expectOp(op: string): void;
  isOp(op: string, k?: number): boolean;
  ident(): string;
  expr(): Expr;
  orderBy(): OrderItem[];
  /** A frame offset: a number literal, `?`, or INTERVAL expr unit. */
  frameOffset(): Expr;
  fail(): never;
}

/** Functions that exist only as window functions: without OVER they are a syntax error (MySQL). */
export const WINDOW_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  'ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE',
]);

/**
 * Aggregates MySQL 8 accepts with OVER. GROUP_CONCAT is not among them (its OVER is a syntax
 * error in MySQL 8, although MariaDB accepts it); JSON_ARRAYAGG/JSON_OBJECTAGG belong to the
 * JSON work and are left to it.
 */
export const WINDOW_AGGREGATES: ReadonlySet<string> = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VARIANCE', 'VAR_POP', 'VAR_SAMP',
]);

/** Functions that take RESPECT NULLS / IGNORE NULLS after their argument list. */
const NULL_TREATMENT = new Set(['FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE', 'LAG', 'LEAD']);

function notYet(what: string): never {
  throw new SqlError('ER_NOT_SUPPORTED_YET', `This version of MySQL doesn't yet support '${what}'`);
}

/**
 * What follows a call's `)`: for window functions the FROM FIRST / RESPECT NULLS words and OVER,
 * which they require; for aggregates an optional OVER; for other functions nothing (OVER there is
 * a syntax error, as in MySQL). Returns the call with `over` set when there is one.
 */
export function parseCallTail(p: WindowParserHost, call: Extract<Expr, { kind: 'call' }>): Expr {
  const name = call.name;
  const windowOnly = WINDOW_ONLY_FUNCTIONS.has(name);
  if (name === 'NTH_VALUE' && p.accept('FROM')) {
    if (p.accept('LAST')) notYet('FROM LAST');
    p.expect('FIRST');
  }
  if (NULL_TREATMENT.has(name)) {
    if (p.isWord('IGNORE') && p.isWord('NULLS', 1)) notYet('IGNORE NULLS');
    if (p.accept('RESPECT')) p.expect('NULLS');
  }
  if (!p.isWord('OVER')) {
    if (windowOnly) p.fail();
    return call;
  }
  if (!windowOnly && !WINDOW_AGGREGATES.has(name)) p.fail();
  p.expect('OVER');
  if (call.distinct) notYet('<window function>(DISTINCT ..)');
  return { ...call, over: parseWindowRef(p) };
}

function parseWindowRef(p: WindowParserHost): WindowRef {
  if (!p.isOp('(')) return { kind: 'named', name: p.ident() };
  return { kind: 'spec', spec: parseWindowSpec(p) };
}

/** `( [name] [PARTITION BY …] [ORDER BY …] [frame] )` */
export function parseWindowSpec(p: WindowParserHost): WindowSpec {
  p.expectOp('(');
  const spec: { -readonly [K in keyof WindowSpec]: WindowSpec[K] } = {};
  if (!p.isWord('PARTITION') && !p.isWord('ORDER') && !p.isWord('ROWS') && !p.isWord('RANGE') && !p.isOp(')')) spec.base = p.ident();
  if (p.accept('PARTITION')) {
    p.expect('BY');
    const list: Expr[] = [];
    do list.push(p.expr());
    while (p.acceptOp(','));
    spec.partitionBy = list;
  }
  if (p.isWord('ORDER')) spec.orderBy = p.orderBy();
  if (p.isWord('ROWS') || p.isWord('RANGE')) spec.frame = parseFrame(p);
  p.expectOp(')');
  return spec;
}

function parseFrame(p: WindowParserHost): WindowFrame {
  const unit = p.accept('ROWS') ? 'ROWS' : (p.expect('RANGE'), 'RANGE');
  let frame: WindowFrame;
  if (p.accept('BETWEEN')) {
    const start = parseBound(p);
    p.expect('AND');
    frame = { unit, start, end: parseBound(p) };
  } else {
    frame = { unit, start: parseBound(p), end: { kind: 'currentRow' } };
  }
  if (p.isWord('EXCLUDE')) notYet('EXCLUDE');
  return frame;
}

function parseBound(p: WindowParserHost): FrameBound {
  if (p.accept('UNBOUNDED')) {
    if (p.accept('PRECEDING')) return { kind: 'unboundedPreceding' };
    p.expect('FOLLOWING');
    return { kind: 'unboundedFollowing' };
  }
  if (p.accept('CURRENT')) {
    p.expect('ROW');
    return { kind: 'currentRow' };
  }
  const value = p.frameOffset();
  if (p.accept('PRECEDING')) return { kind: 'preceding', value };
  p.expect('FOLLOWING');
  return { kind: 'following', value };
}

/** WINDOW w AS (…) [, w2 AS (…)]… */
export function parseWindowClause(p: WindowParserHost): WindowDef[] {
  p.expect('WINDOW');
  const defs: WindowDef[] = [];
  do {
    const name = p.ident();
    p.expect('AS');
    defs.push({ name, spec: parseWindowSpec(p) });
  } while (p.acceptOp(','));
  return defs;
}
