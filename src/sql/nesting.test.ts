// How the parser keeps deep statements shallow (AND / OR chains, runs of parentheses) and where
// it stops (64 levels of SELECT: 1473; too deep an expression tree: 1436), before any later pass
// recurses over the tree.
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { parseOne, MAX_EXPRESSION_NESTING, MAX_SELECT_NESTING, MAX_TREE_DEPTH } from './parser.js';
import { treeDepth } from './depth.js';
import { SqlError } from '../common/errors.js';

function expr(sql: string): Expr {
  const s = parseOne('SELECT ' + sql).statement;
  if (s.kind !== 'select' || s.items[0]!.kind !== 'expr') throw new Error('not an expression: ' + sql);
  return s.items[0]!.expr;
}

/** Fully parenthesized, to compare shapes. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${sx(e.left)} ${e.op} ${sx(e.right)})`;
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'inList':
      return `(${sx(e.operand)} ${e.not ? 'NOT ' : ''}IN ${e.list.map(sx).join(' ')})`;
    case 'isNull':
      return `(${sx(e.operand)} IS NULL)`;
    case 'between':
      return `(${sx(e.operand)} BETWEEN ${sx(e.low)} ${sx(e.high)})`;
    case 'collate':
      return `(${sx(e.operand)} COLLATE ${e.collation})`;
    case 'row':
      return `ROW(${e.items.map(sx).join(', ')})`;
    case 'subquery':
      return 'SUBQUERY';
    case 'call':
      return `${e.name}(${e.args.map(sx).join(', ')})`;
    case 'column':
      return e.name;
    case 'literal':
      return e.value.type === 'int' || e.value.type === 'decimal' ? e.value.text : '?';
    default:
      return e.kind;
  }
}

function leaves(e: Expr, op: string, out: string[] = []): string[] {
  if (e.kind === 'binary' && e.op === op) {
    leaves(e.left, op, out);
    leaves(e.right, op, out);
  } else out.push(sx(e));
  return out;
}

function errnoOf(f: () => unknown): number | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof SqlError ? e.errno : -1;
  }
}

describe('AND / OR / XOR chains', () => {
  it('are balanced trees with the terms in order', () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `a = ${i}`);
    for (const op of ['AND', 'OR', 'XOR']) {
      const e = expr(terms.join(` ${op} `));
      expect(leaves(e, op)).toEqual(terms.map((_, i) => `(a = ${i})`));
      expect(treeDepth(e)).toBeLessThan(20);
    }
  });

  it('keep precedence: AND binds tighter than XOR, XOR than OR', () => {
    expect(sx(expr('a OR b AND c AND d OR e'))).toBe('(a OR ((b AND (c AND d)) OR e))');
    expect(sx(expr('a XOR b AND c'))).toBe('(a XOR (b AND c))');
  });
});

describe('runs of parentheses', () => {
  it('read as the expression inside them, the operators around each level kept', () => {
    expect(sx(expr('((1 + 2)) * 3'))).toBe('((1 + 2) * 3)');
    expect(sx(expr('(((1)) + 2) * ((3))'))).toBe('((1 + 2) * 3)');
    expect(sx(expr('((a)) NOT IN (1)'))).toBe('(a NOT IN 1)');
    expect(sx(expr('((a) IS NULL)'))).toBe('(a IS NULL)');
    expect(sx(expr('((a) COLLATE utf8mb4_bin)'))).toBe('(a COLLATE utf8mb4_bin)');
    expect(sx(expr('((-(1)))'))).toBe('(- 1)');
    expect(sx(expr('(NOT (a))'))).toBe('(NOT a)');
    expect(sx(expr('((1), (2))'))).toBe('ROW(1, 2)');
    expect(sx(expr('((1, 2))'))).toBe('ROW(1, 2)');
    expect(sx(expr('((SELECT 1))'))).toBe('SUBQUERY');
    expect(sx(expr('((a) BETWEEN (0) AND ((2)))'))).toBe('(a BETWEEN 0 2)');
    expect(sx(expr('(ABS((1)) + (2))'))).toBe('(ABS(1) + 2)');
  });

  it('cost no stack: 20,000 levels parse', () => {
    expect(sx(expr('('.repeat(20000) + '1 + 2' + ')'.repeat(20000) + ' * 3'))).toBe('((1 + 2) * 3)');
  });

  it('must still match', () => {
    expect(errnoOf(() => parseOne('SELECT ((1)'))).toBe(1064);
    expect(errnoOf(() => parseOne('SELECT (1))'))).toBe(1064);
  });
});

describe('limits', () => {
  const nestedSelects = (n: number): string => 'SELECT ' + '(SELECT '.repeat(n) + '1' + ')'.repeat(n);

  it(`${MAX_SELECT_NESTING} levels of SELECT parse; one more is 1473`, () => {
    expect(errnoOf(() => parseOne(nestedSelects(MAX_SELECT_NESTING - 1)))).toBeUndefined();
    expect(errnoOf(() => parseOne(nestedSelects(MAX_SELECT_NESTING)))).toBe(1473);
    expect(errnoOf(() => parseOne(nestedSelects(3000)))).toBe(1473);
  });

  it(`expressions nested ${MAX_EXPRESSION_NESTING} deep parse; deeper is 1436`, () => {
    const calls = (n: number): string => 'SELECT ' + 'ABS('.repeat(n) + '1' + ')'.repeat(n);
    expect(errnoOf(() => parseOne(calls(MAX_EXPRESSION_NESTING - 1)))).toBeUndefined();
    expect(errnoOf(() => parseOne(calls(MAX_EXPRESSION_NESTING + 1)))).toBe(1436);
    expect(errnoOf(() => parseOne(calls(100_000)))).toBe(1436);
  });

  it(`operator chains up to a tree ${MAX_TREE_DEPTH} deep parse; deeper is 1436`, () => {
    const sum = (n: number): string => 'SELECT ' + Array(n).fill('1').join(' + ');
    expect(errnoOf(() => parseOne(sum(MAX_TREE_DEPTH - 10)))).toBeUndefined();
    expect(errnoOf(() => parseOne(sum(MAX_TREE_DEPTH + 10)))).toBe(1436);
    expect(errnoOf(() => parseOne('SELECT ' + 'NOT '.repeat(MAX_TREE_DEPTH + 10) + '1'))).toBe(1436);
  });

  it('measure the tree without recursing (a million levels)', () => {
    let e: object = { kind: 'literal' };
    for (let i = 0; i < 1_000_000; i++) e = { kind: 'unary', operand: e };
    expect(treeDepth(e)).toBe(1_000_001);
  });
});
