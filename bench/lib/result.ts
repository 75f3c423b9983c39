// What a run produces: figures per target (combined over rounds), the ratio between two targets,
// and the table printed at the end.
import type { Answer } from './answers.js';
import type { SeriesPoint } from './runner.js';

export interface Figure {
  name: string;
  /** null: not measured on this target (the note says why). */
  value: number | null;
  unit: string;
  better: 'higher' | 'lower';
  note?: string;
}

export interface RoundResult {
  figures: Figure[];
  errors?: Record<string, number>;
  series?: SeriesPoint[];
  answers?: Record<string, Answer>;
  notes?: string[];
}

export interface TargetResult {
  label: string;
  version: string;
  settings: Record<string, string>;
  prepare: Figure[];
  rounds: RoundResult[];
  figures: Figure[];
  errors: Record<string, number>;
  series: SeriesPoint[];
  notes: string[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Figures of several rounds: the median of each (the mean of two), null if any round has none. */
export function combineRounds(rounds: RoundResult[]): Figure[] {
  const out: Figure[] = [];
  const names: string[] = [];
  for (const r of rounds) for (const f of r.figures) if (!names.includes(f.name)) names.push(f.name);
  for (const name of names) {
    const fs = rounds.map((r) => r.figures.find((f) => f.name === name)).filter((f): f is Figure => f !== undefined);
    const vals = fs.map((f) => f.value);
    const value = vals.some((v) => v === null) ? null : median(vals as number[]);
    const f0 = fs[0]!;
    out.push({ ...f0, value });
  }
  return out;
}

export function mergeErrors(rounds: RoundResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.errors ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** The measured series of all rounds, end to end on one time axis. */
export function joinSeries(rounds: RoundResult[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let offset = 0;
  for (const r of rounds) {
    const s = r.series ?? [];
    for (const p of s) out.push({ ...p, t: Math.round((p.t + offset) * 10) / 10 });
    if (s.length > 0) offset += s[s.length - 1]!.t;
  }
  return out;
}

export function fmtNum(v: number | null): string {
  if (v === null) return 'n/a';
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(3);
}

export function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || b === 0) return 'n/a';
  const r = a / b;
  return `${r !== 0 && Math.abs(r) < 0.1 ? r.toPrecision(2) : r.toFixed(2)}x`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The end-of-run table: one column per target and, with two, the ratio A/B of each figure. */
export function formatTable(targets: TargetResult[]): string {
  const names: Figure[] = [];
  for (const t of targets) for (const f of [...t.prepare, ...t.figures]) if (!names.some((n) => n.name === f.name)) names.push(f);
  const header = ['figure', 'unit', ...targets.map((t) => t.label)];
  const two = targets.length === 2;
  if (two) header.push(`${targets[0]!.label}/${targets[1]!.label}`, 'better');
  const rows = [header];
  for (const n of names) {
    const vals = targets.map((t) => [...t.prepare, ...t.figures].find((f) => f.name === n.name)?.value ?? null);
    const row = [n.name, n.unit, ...vals.map(fmtNum)];
    if (two) row.push(ratio(vals[0]!, vals[1]!), n.better);
    rows.push(row);
  }
  let out = table(rows);
  const errLines: string[] = [];
  for (const t of targets) {
    const e = Object.entries(t.errors);
    errLines.push(`errors on ${t.label}: ${e.length === 0 ? 'none' : e.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  }
  out += '\n' + errLines.join('\n');
  return out;
}

/** The same table as Markdown (for RESULTS.md). */
export function formatMarkdown(targets: TargetResult[]): string {
  const txt = formatTable(targets).split('\n');
  const names: Figure[] = [];
  for (const t of targets) for (const f of [...t.prepare, ...t.figures]) if (!names.some((n) => n.name === f.name)) names.push(f);
  const two = targets.length === 2;
  const head = ['figure', 'unit', ...targets.map((t) => t.label), ...(two ? [`${targets[0]!.label}/${targets[1]!.label}`, 'better'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const n of names) {
    const vals = targets.map((t) => [...t.prepare, ...t.figures].find((f) => f.name === n.name)?.value ?? null);
    lines.push(`| ${[n.name, n.unit, ...vals.map(fmtNum), ...(two ? [ratio(vals[0]!, vals[1]!), n.better] : [])].join(' | ')} |`);
  }
  const errs = txt.filter((l) => l.startsWith('errors on '));
  return lines.join('\n') + '\n\n' + errs.map((e) => `- ${e}`).join('\n') + '\n';
}
