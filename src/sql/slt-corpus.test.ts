import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from './parser.js';

const ROOT = '/work/shared/slt';

function walk(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.test')) out.push(p);
  }
  return out;
}

/** The SQL of every record MySQL runs: skips `skipif mysql` and `onlyif <other>` records. */
function records(file: string): { sql: string; expectError: boolean }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: { sql: string; expectError: boolean }[] = [];
  let guards: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('skipif') || l.startsWith('onlyif')) {
      guards.push(l);
      continue;
    }
    const m = /^(statement ok|statement error|query)/.exec(l);
    if (!m) {
      if (l.trim() === '') guards = [];
      continue;
    }
    const skip = guards.some((g) => /^skipif mysql/.test(g) || (/^onlyif/.test(g) && !/^onlyif mysql/.test(g)));
    guards = [];
    const sql: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '' && lines[i] !== '----'; i++) sql.push(lines[i]!);
    if (!skip) out.push({ sql: sql.join('\n'), expectError: m[1] === 'statement error' });
  }
  return out;
}

describe.skipIf(!existsSync(ROOT))('sqllogictest corpus', () => {
  it('parses every statement MySQL accepts', () => {
    const failures: string[] = [];
    let total = 0;
    for (const file of walk(ROOT)) {
      for (const r of records(file)) {
        if (r.expectError) continue;
        total++;
        try {
          parse(r.sql);
        } catch (e) {
          failures.push(`${file}: ${r.sql}\n  ${(e as Error).message}`);
        }
      }
    }
    console.log(`sqllogictest: ${total - failures.length}/${total} statements parse`);
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
