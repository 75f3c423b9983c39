// The answer check: every analytic query's result becomes (row count, checksum) after a
// normalisation that forgives only what two correct engines may differ in (the scale of an AVG,
// 1 vs '1', row order where the query has no ORDER BY), and results are compared across targets.
import { createHash } from 'node:crypto';

export interface Answer {
  rows: number;
  checksum: string;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** One cell as text: numbers to 12 significant digits without trailing zeros, NULL as \N. */
export function normalizeCell(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || (typeof v === 'string' && NUMERIC.test(v.trim()))) {
    const s = typeof v === 'string' ? v.trim() : String(v);
    const n = Number(s);
    if (!Number.isFinite(n)) return s;
    if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return String(n);
    return String(Number(n.toPrecision(12)));
  }
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return String(v);
}

function rowText(row: unknown): string {
  const cells = Array.isArray(row) ? row : Object.values(row as Record<string, unknown>);
  return cells.map(normalizeCell).join('\t');
}

/** (row count, sha256 of the normalised rows); unordered results are sorted first. */
export function answerOf(rows: readonly unknown[], ordered: boolean): Answer {
  const lines = rows.map(rowText);
  if (!ordered) lines.sort();
  const h = createHash('sha256');
  for (const l of lines) h.update(l + '\n');
  return { rows: rows.length, checksum: h.digest('hex').slice(0, 16) };
}

export interface Mismatch {
  query: string;
  detail: string;
}

/**
 * Compares each query's answer across targets (and across rounds of one target). Returns one
 * entry per query whose answers differ; an empty list means every answer agreed.
 */
export function compareAnswers(byTarget: readonly { label: string; answers: Record<string, Answer>[] }[]): Mismatch[] {
  const out: Mismatch[] = [];
  const queries = new Set<string>();
  for (const t of byTarget) for (const round of t.answers) for (const q of Object.keys(round)) queries.add(q);
  for (const q of [...queries].sort()) {
    const seen: string[] = [];
    let first: Answer | undefined;
    let differs = false;
    for (const t of byTarget) {
      t.answers.forEach((round, i) => {
        const a = round[q];
        if (a === undefined) return;
        seen.push(`${t.label}${t.answers.length > 1 ? `#${i + 1}` : ''}: ${a.rows} rows, checksum ${a.checksum}`);
        if (first === undefined) first = a;
        else if (first.rows !== a.rows || first.checksum !== a.checksum) differs = true;
      });
    }
    if (differs) out.push({ query: q, detail: seen.join('; ') });
  }
  return out;
}
