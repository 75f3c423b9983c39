// --plot: an SVG of throughput and p99 latency over time, one line per target, two panels.
import type { SeriesPoint } from './runner.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const W = 860;
const PANEL_H = 240;
const M = { left: 70, right: 20, top: 40, bottom: 40 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmtTick(v: number): string {
  if (v >= 1_000_000) return `${+(v / 1_000_000).toFixed(1)}M`;
  if (v >= 1_000) return `${+(v / 1_000).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function panel(
  y0: number,
  titleText: string,
  unit: string,
  lines: { label: string; pts: [number, number][] }[],
  tMax: number,
): string {
  let title = titleText;
  const parts: string[] = [];
  const h = PANEL_H - M.top - M.bottom;
  const w = W - M.left - M.right;
  const values = lines.flatMap((l) => l.pts.map((p) => p[1])).filter((v) => v > 0);
  const lineMaxes = lines.map((l) => Math.max(0, ...l.pts.map((p) => p[1]))).filter((v) => v > 0);
  // Targets an order of magnitude apart share a log axis, so both lines stay readable.
  const log = lineMaxes.length > 1 && Math.max(...lineMaxes) / Math.min(...lineMaxes) > 10;
  const vMax = log ? 10 ** Math.ceil(Math.log10(Math.max(...values))) : niceMax(Math.max(0, ...values));
  const vMin = log ? 10 ** Math.floor(Math.log10(Math.min(...values))) : 0;
  const x = (t: number): number => M.left + (tMax > 0 ? (t / tMax) * w : 0);
  const frac = (v: number): number => (log ? (Math.log10(Math.max(v, vMin)) - Math.log10(vMin)) / (Math.log10(vMax) - Math.log10(vMin) || 1) : v / vMax);
  const y = (v: number): number => y0 + M.top + h - frac(v) * h;
  const ticks: number[] = [];
  if (log) for (let v = vMin; v <= vMax * 1.0001; v *= 10) ticks.push(v);
  else for (let i = 0; i <= 4; i++) ticks.push((vMax * i) / 4);
  if (log) title += ' (log scale)';
  for (const v of ticks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${fmtTick(v)}</text>`);
  }
  parts.push(`<text x="${M.left}" y="${y0 + 24}" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const t = (tMax * i) / 5;
    parts.push(`<text x="${x(t)}" y="${y0 + PANEL_H - M.bottom + 16}" font-size="11" text-anchor="middle">${fmtTick(t)}s</text>`);
    if (i === 5) parts.push(`<text x="${W - M.right}" y="${y0 + PANEL_H - M.bottom + 30}" font-size="10" text-anchor="end" fill="#666">measured seconds, rounds end to end</text>`);
  }
  parts.push(`<text x="14" y="${y0 + M.top + h / 2}" font-size="11" transform="rotate(-90 14 ${y0 + M.top + h / 2})" text-anchor="middle">${esc(unit)}</text>`);
  lines.forEach((l, i) => {
    if (l.pts.length === 0) return;
    const d = l.pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`);
  });
  return parts.join('\n');
}

/** Renders the series of each target into one SVG document. */
export function renderSvg(title: string, targets: { label: string; series: SeriesPoint[] }[]): string {
  const tMax = niceMax(Math.max(1, ...targets.flatMap((t) => t.series.map((p) => p.t))));
  const H = PANEL_H * 2 + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" font-size="16" text-anchor="middle">${esc(title)}</text>`,
    panel(20, 'Throughput', 'ops/s', targets.map((t) => ({ label: t.label, pts: t.series.map((p) => [p.t, p.opsPerS] as [number, number]) })), tMax),
    panel(20 + PANEL_H, 'p99 latency', 'ms', targets.map((t) => ({ label: t.label, pts: t.series.map((p) => [p.t, p.p99Us / 1000] as [number, number]) })), tMax),
  ];
  targets.forEach((t, i) => {
    const lx = M.left + i * 180;
    const ly = H - 12;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLORS[i % COLORS.length]}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}" font-size="12">${esc(t.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
