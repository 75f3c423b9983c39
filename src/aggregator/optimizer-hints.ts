/**
 * Optimizer hints Tessera acts on, read from a statement's text: MySQL's `/*+ … *\/` comment
 * right after the first SELECT keyword. The lexer drops comments, so hints are found here, on
 * the raw text, and only when the text has a `/*+` at all (OLTP statements pay one indexOf).
 */

/** `SELECT /*+ MAX_EXECUTION_TIME(n) *\/ …`: n ms, or undefined when the statement has no such hint. */
export function maxExecutionTimeHint(text: string): number | undefined {
  if (text.indexOf('/*+') < 0) return undefined;
  const m = HINTED_SELECT.exec(text);
  if (m === null) return undefined;
  const t = MAX_EXECUTION_TIME.exec(m[1]!);
  return t === null ? undefined : Number(t[1]);
}

/** The hint comment of a leading SELECT (optionally inside parentheses, as a UNION's first part). */
const HINTED_SELECT = /^[\s(]*select\s*\/\*\+([\s\S]*?)\*\//i;
const MAX_EXECUTION_TIME = /\bmax_execution_time\s*\(\s*(\d{1,10})\s*\)/i;
