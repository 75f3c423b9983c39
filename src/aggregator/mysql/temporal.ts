/** Text ⇄ parts for the binary protocol's DATE/DATETIME/TIME encodings. */

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

export interface TimeParts {
  negative: boolean;
  /** Total hours; the wire splits them into days and hours. */
  hours: number;
  minute: number;
  second: number;
  micro: number;
}

function num(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to && i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  return v;
}

/** '.ffffff' fraction digits → microseconds (right-padded). */
function micros(s: string, dot: number): number {
  if (dot < 0) return 0;
  let v = 0;
  for (let i = 0; i < 6; i++) {
    const c = dot + 1 + i < s.length ? s.charCodeAt(dot + 1 + i) - 48 : 0;
    v = v * 10 + (c >= 0 && c <= 9 ? c : 0);
  }
  return v;
}

/** Parses 'YYYY-MM-DD[ hh:mm:ss[.ffffff]]'. */
export function parseDateTime(s: string): DateTimeParts {
  const hasTime = s.length >= 19;
  return {
    year: num(s, 0, 4),
    month: num(s, 5, 7),
    day: num(s, 8, 10),
    hour: hasTime ? num(s, 11, 13) : 0,
    minute: hasTime ? num(s, 14, 16) : 0,
    second: hasTime ? num(s, 17, 19) : 0,
    micro: hasTime ? micros(s, s.indexOf('.', 19)) : 0,
  };
}

/** Parses '[-]h…h:mm:ss[.ffffff]'. */
export function parseTime(s: string): TimeParts {
  const negative = s.startsWith('-');
  const start = negative ? 1 : 0;
  const c1 = s.indexOf(':', start);
  if (c1 < 0) return { negative, hours: 0, minute: 0, second: 0, micro: 0 };
  return {
    negative,
    hours: num(s, start, c1),
    minute: num(s, c1 + 1, c1 + 3),
    second: num(s, c1 + 4, c1 + 6),
    micro: micros(s, s.indexOf('.', c1 + 6)),
  };
}

function pad(v: number, n: number): string {
  return String(v).padStart(n, '0');
}

export function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Canonical 'YYYY-MM-DD hh:mm:ss[.ffffff]' (fraction only when non-zero). */
export function formatDateTime(p: DateTimeParts): string {
  const base = `${formatDate(p.year, p.month, p.day)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return p.micro ? `${base}.${pad(p.micro, 6)}` : base;
}

export function formatTime(p: TimeParts): string {
  const base = `${p.negative ? '-' : ''}${pad(p.hours, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return p.micro ? `${base}.${pad(p.micro, 6)}` : base;
}
